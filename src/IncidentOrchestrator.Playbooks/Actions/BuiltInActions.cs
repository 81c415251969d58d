namespace IncidentOrchestrator.Playbooks.Actions;

/// <summary>The actions every installation has (playbook-format.md, "Actions every installation has").</summary>
public sealed class BuiltInActions : IActionCatalog
{
    private static readonly ActionDescriptor[] Descriptors =
    [
        new("postgres.revoke", "REVOKE all privileges on a table (or every table of a schema) from a role",
            ["connection", "grantee"], [], [["table", "schema"]], ["revoked", "changed"]),
        new("postgres.grant", "GRANT privileges on a table or schema to a role (the inverse of postgres.revoke)",
            ["connection", "grantee"], ["privileges"], [["table", "schema"]], ["granted", "changed"]),
        // Not RequiresApproval: the approvals it needs are the request's own (its catalogue approvers' quorum), which the action checks.
        // No parameters: what is granted, to whom and for how long is the run's access request's, never the playbook's.
        new("access.grant", "Grant the run's access request, once its catalogue approvers approved it: SELECT on its table to its grantee (postgres.grant), read back, with its end recorded",
            [], [], [], ["endsAt", "canRead", "changed"]),
        new("access.revoke", "Take back what the run's access request granted (postgres.revoke), read back",
            [], [], [], ["canRead", "changed", "handedOverTo"]),
        new("access.review", "Review a catalogued dataset's access now: each standing or long-lived grant becomes a task for its owner, keep or revoke (revoked and read back)",
            ["dataset"], ["within"], [], ["reviewId", "grants"]),
        new("dataset.who-could-read", "Record as evidence who could read a catalogued dataset at an instant (by default when the incident opened): standing, requested, break-glass and drift, with who approved each",
            ["dataset"], ["at"], [], ["evidenceId", "rows", "sha256"]),
        new("postgres.verify-no-access", "Fail unless the role can no longer read the table",
            ["connection", "table", "grantee"], [], [], ["verifiedAt"]),
        new("postgres.disable-login", "ALTER ROLE … NOLOGIN and end the role's open sessions",
            ["connection", "role"], [], [], ["sessionsEnded", "changed"]),
        new("postgres.enable-login", "ALTER ROLE … LOGIN (the inverse of postgres.disable-login)",
            ["connection", "role"], [], [], ["changed"]),
        new("programme.suspend", "Suspend a registered programme and run its declared suspension actions",
            ["programme"], [], [], ["suspendedAt", "reviewBy", "requestsRevoked", "requestsHandedOver", "requestsWithdrawn"]),
        new("programme.resume", "Resume a suspended programme: its account's login, and the access the suspension took that the catalogue still lets it hold without asking",
            ["programme"], [], [], ["resumedAt", "accessToRequest"]) { RequiresApproval = true },
        new("evidence.snapshot", "Copy the rows a query returns into the incident as evidence, with a content hash",
            ["connection", "query", "name"], [], [], ["evidenceId", "rows", "sha256"]) { SqlParameters = ["query"] },
        new("webhook.post", "POST a signed JSON body to a configured endpoint",
            ["endpoint", "body"], [], [], ["status"]),
        new("incident.set-severity", "Change the incident's severity",
            ["severity"], [], [], []) { RunsInTheRunsTurn = true },
        new("incident.add-note", "Add a note to the incident's timeline",
            ["note"], [], [], []) { RunsInTheRunsTurn = true },
        new("incident.notify", "Notify the incident's participants",
            ["message"], ["to"], [], []) { RunsInTheRunsTurn = true },
        new("followups.done", "Wait until every follow-up of the incident with all the given tags is done or declared not to be done; records which (won't-do ones for the approvers who decide next)",
            ["tags"], [], [], ["done", "wontDo", "count", "wontDoCount"]),
        new("followup.create", "Create a follow-up of the incident: owned (by default by its commander), due (by default by its severity), reminded of and escalated when overdue",
            ["title"], ["description", "owner", "due", "priority", "tags"], [], ["followUpId", "owner", "dueAt"]) { RunsInTheRunsTurn = true },
    ];

    // Declared after Descriptors: static fields initialise in order.
    public static readonly BuiltInActions Catalog = new();

    private readonly Dictionary<string, ActionDescriptor> _byName = Descriptors.ToDictionary(d => d.Name, StringComparer.Ordinal);

    public ActionDescriptor? Find(string name) => _byName.GetValueOrDefault(name);

    public IEnumerable<ActionDescriptor> All => Descriptors;
}
