using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Access;

/// <summary>
/// <c>access.grant</c>: what an approved request asks for, made with <c>postgres.grant</c> (SELECT on the table) and read back;
/// its end (now plus <c>for</c>) is recorded on the request. A grant the database does not show afterwards fails the step.
/// </summary>
public sealed class GrantRequestedAccess(NamedConnections connections) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("access.grant")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        if (!Durations.TryParse(context.Text("for"), out var duration) || duration <= TimeSpan.Zero)
            throw new ActionFailedException($"'for' must be a duration, not '{context.Text("for")}'");
        // Whatever the playbook says, a grant needs the request's own approvals: whoever starts a run cannot choose them.
        var request = await context.Session.LoadAsync<AccessRequest>(RequestOf(context), ct)
                      ?? throw new ActionFailedException($"no access request {context.Text("request")} exists");
        if (request.WhyNotApproved() is { } why) throw new ActionFailedException(why);
        if (request.Grantee != context.Text("grantee") || request.Dataset != context.Text("dataset"))
            throw new ActionFailedException($"request {request.Id} is for {request.Grantee} on {request.Dataset}, not {context.Text("grantee")} on {context.Text("dataset")}");
        var granted = await new Grant(connections).ExecuteAsync(context with { Parameters = Postgres(context) }, ct);
        var table = context.Text("table");
        if (!await CanReadAsync(connections, context, ct))
            throw new ActionFailedException($"after the grant, {context.Text("grantee")} still cannot read {table}");
        var endsAt = context.Now + duration;
        context.RecordOnIncident(new AccessGranted(RequestOf(context), context.Text("dataset"), context.Text("grantee"), context.Text("connection"), table,
            ["SELECT"], endsAt, context.Now));
        return new ActionResult(new Dictionary<string, object?>(granted.Outputs) { ["endsAt"] = endsAt, ["canRead"] = true });
    }

    internal static Dictionary<string, object?> Postgres(ActionContext context) => new(StringComparer.Ordinal)
    {
        ["connection"] = context.Text("connection"), ["table"] = context.Text("table"), ["grantee"] = context.Text("grantee"),
    };

    /// <summary>The request the action acts for: the run's own subject, the request's stream (a run on an incident cannot grant).</summary>
    internal static Guid RequestOf(ActionContext context) => Guid.TryParse(context.Text("request"), out var id) && id == context.IncidentId
        ? id : throw new ActionFailedException($"'{context.Text("request")}' is not the access request this run carries out");

    /// <summary>What the database says now: can the grantee read the table (directly or through a role it belongs to)?</summary>
    internal static async Task<bool> CanReadAsync(NamedConnections connections, ActionContext context, CancellationToken ct)
    {
        await using var db = await connections.Get(context.Text("connection")).OpenConnectionAsync(ct);
        return await Catalog.CanReadAsync(db, await Catalog.TableAsync(db, context.Text("table"), ct), context.Text("grantee"), ct);
    }
}

/// <summary><c>access.revoke</c>: takes back what a request granted, with <c>postgres.revoke</c>, and reads back whether the grantee can still read.</summary>
public sealed class RevokeRequestedAccess(NamedConnections connections) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("access.revoke")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var revoked = await new Revoke(connections).ExecuteAsync(context with { Parameters = GrantRequestedAccess.Postgres(context) }, ct);
        var stillReads = await GrantRequestedAccess.CanReadAsync(connections, context, ct);
        context.RecordOnIncident(new AccessRevoked(GrantRequestedAccess.RequestOf(context), context.Text("dataset"), context.Text("grantee"),
            context.Text("table"), stillReads, context.Now));
        return new ActionResult(new Dictionary<string, object?>(revoked.Outputs) { ["canRead"] = stillReads });
    }
}
