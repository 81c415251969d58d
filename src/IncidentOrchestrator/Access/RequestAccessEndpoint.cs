using System.Security.Claims;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Catalogue;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Access;

/// <summary>
/// <c>POST /api/access-requests</c>: a request checked against the catalogue (the dataset is catalogued and can be granted
/// here, the purpose is approved for it, the duration within its <c>maxGrant</c>, the grantee a role its database knows and
/// that does not already read it by standing), then carried by a run of the <c>access-request</c> playbook on the request's
/// own stream: its approvers decide, the grant is made and read back, and it is taken back at its end.
/// </summary>
public static class RequestAccessEndpoint
{
    /// <summary>The playbook every request runs, and the one every break-glass request runs.</summary>
    public const string Playbook = "access-request", BreakGlassPlaybook = "access-break-glass";

    public static ProblemDetails Validate(RequestAccess? request) => request is null
        ? Problems.MissingBody()
        : new Problems.Validation()
            .Require(!string.IsNullOrWhiteSpace(request.Dataset), "dataset", "The catalogued dataset to read is required.")
            .Require(!string.IsNullOrWhiteSpace(request.Grantee), "grantee", "The database role that is to read it is required.")
            .Require(!string.IsNullOrWhiteSpace(request.Purpose), "purpose", "What the access is for is required (one of the dataset's purposes).")
            .Require(!string.IsNullOrWhiteSpace(request.Duration), "duration", "How long the access lasts is required (like 8h or 14d).")
            .Require(!string.IsNullOrWhiteSpace(request.Reason), "reason", "Why the access is needed is required.")
            .ToProblem();

    [WolverinePost("/api/access-requests"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Post(RequestAccess request, IDocumentSession session, IMessageBus bus, CatalogueFolder catalogue,
        DatasetAccess access, NamedConnections connections, PlaybookCatalog playbooks, PinnedPlaybooks pinned, AccessOptions options, ClaimsPrincipal user,
        TimeProvider clock, CancellationToken ct) =>
        (await RequestAsync(request, session, bus, catalogue, access, connections, playbooks, pinned, options, user, clock, ct))
        .ToHttp(accepted => TypedResults.Accepted($"/api/access-requests/{accepted.RequestId}", accepted));

    public static async Task<Outcome<AccessRequestAccepted>> RequestAsync(RequestAccess request, IDocumentSession session, IMessageBus bus,
        CatalogueFolder catalogue, DatasetAccess access, NamedConnections connections, PlaybookCatalog playbooks, PinnedPlaybooks pinned,
        AccessOptions options, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct, Guid? extends = null)
    {
        var caller = user.Caller();
        var validation = new Problems.Validation();
        var version = catalogue.Catalogue;
        var dataset = version.Find(request.Dataset!);
        if (dataset is null) validation.Add("dataset", $"No dataset named '{request.Dataset}' is in the catalogue.");
        else if (access.WhyNotChecked(dataset) is { } why) validation.Add("dataset", $"Access to {dataset.Name} cannot be granted here: {why}.");
        else
        {
            foreach (var (field, refused) in CatalogueAllows.Refusals(dataset, request.Purpose!, request.Duration!, request.BreakGlass == true))
                validation.Add(field, refused);
            if (!validation.Has("purpose") && await CatalogueAllows.SuspendedAsync(session, request.Purpose!, ct) is { } suspended)
                validation.Add("purpose", suspended);
            if (dataset.Standing.Contains(request.Grantee!, StringComparer.Ordinal))
                validation.Add("grantee", $"{request.Grantee} may read {dataset.Name} without asking (the catalogue's standing access).");
            else if (string.Equals(request.Grantee, Catalog.Public, StringComparison.OrdinalIgnoreCase))
                validation.Add("grantee", $"Access is granted to a role, never to {Catalog.Public} (everyone).");
            else if (await RoleKnownAsync(connections, dataset, request.Grantee!, ct) is { } unknown)
            {
                if (unknown.Refused is { } unavailable) return unavailable;
                validation.Add("grantee", unknown.Value!);
            }
        }
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The access request is not valid"));
        var name = request.BreakGlass == true ? BreakGlassPlaybook : Playbook;
        if (playbooks.Library.Find(name) is not { Subject: Subjects.AccessRequest } playbook)
            return Refusal.Conflict("Access requests cannot run",
                $"No '{name}' playbook for access requests (subject: {Subjects.AccessRequest}) is loaded, so no such request can be carried out.");

        var d = dataset!;
        var requestId = Guid.CreateVersion7();
        var runId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        // What the run's steps are told; what is granted, and who must approve it, the actions read from the request itself.
        var inputs = InputBinding.Bind(playbook, new Dictionary<string, object?>
        {
            ["request"] = requestId.ToString(), ["dataset"] = d.Name, ["connection"] = d.Connection, ["table"] = d.Object, ["grantee"] = request.Grantee,
            ["duration"] = request.Duration, ["approvers"] = d.Approvers.From.Cast<object?>().ToList(), ["quorum"] = (decimal)d.Approvers.Quorum,
        }.Where(i => playbook.Input(i.Key) is not null).ToDictionary());
        if (!inputs.IsValid)
            return Refusal.Conflict("Access requests cannot run",
                $"The '{name}' playbook does not take a request's inputs: {string.Join("; ", inputs.Problems.Values)}.");

        session.Events.StartStream<AccessRequest>(requestId, new AccessRequested(requestId, d.Name, d.Connection, d.Object, request.Grantee!,
            request.Purpose!, request.Duration!, request.Reason!, string.IsNullOrWhiteSpace(request.Ticket) ? null : request.Ticket, caller.Subject, d.Hash,
            version.Hash, d.Approvers.From, d.Approvers.Quorum, runId, now, extends, request.BreakGlass == true));
        await pinned.PinAsync(session, playbook, now, ct);
        // The requester starts the run, so that they can never approve their own request.
        session.Insert(PlaybookRun.Request(runId, requestId, playbook, RunValues.Serialize(inputs.Values), null, null, null, null, caller.Subject, now));
        await bus.PublishAsync(new StartRun(runId));
        if (request.BreakGlass != true) await bus.ScheduleAsync(new ExpireAccessRequest(requestId, Durations.Format(options.PendingFor)), options.PendingFor);
        return new AccessRequestAccepted(requestId, runId);
    }

    /// <summary>Why the grantee is not a role the dataset's database knows (a field's error), null when it is, or a refusal when the
    /// database did not answer.</summary>
    private static async Task<Outcome<string>?> RoleKnownAsync(NamedConnections connections, Dataset dataset, string grantee, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await using var db = await connections.Get(dataset.Connection).OpenConnectionAsync(limit.Token);
            await Catalog.RoleAsync(db, grantee, limit.Token);
            return null;
        }
        catch (ActionFailedException)
        {
            return Outcome<string>.Done($"No role '{grantee}' exists on {dataset.Name}'s database ({dataset.Connection}).");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            return Refusal.Unavailable("The dataset's database did not answer",
                $"Whether '{grantee}' exists could not be checked: {dataset.Connection} did not answer. Nothing was requested; try again later.");
        }
    }
}
