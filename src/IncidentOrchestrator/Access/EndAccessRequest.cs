using System.Security.Claims;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Access;

/// <summary>Take back a granted request's access now: revoked on the database, read back, recorded, and its run cancelled.</summary>
public sealed record RevokeGrantedAccess(Guid RequestId, string By, string Reason);

/// <summary>A request nobody decided in time expires (<see cref="AccessOptions.PendingFor"/>, as it was when the request was made).</summary>
public sealed record ExpireAccessRequest(Guid RequestId, string PendingFor = "");

/// <summary>
/// <c>POST /api/access-requests/{id}/revoke</c>: ends a request before its time, with a reason. A pending one is withdrawn (nothing was
/// granted); a granted one is revoked on its database and read back, and its run cancelled. For those who may see the request: its
/// requester, its approvers and administrators.
/// </summary>
public static class RevokeAccessEndpoint
{
    public static ProblemDetails Validate(EndAccess? request) => request is null
        ? Problems.MissingBody()
        : new Problems.Validation().Require(!string.IsNullOrWhiteSpace(request.Reason), "reason", "Why the access ends early is required.").ToProblem();

    [WolverinePost("/api/access-requests/{id}/revoke"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Post(Guid id, EndAccess request, IDocumentSession session, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct) =>
        (await RevokeAsync(id, request.Reason!, session, bus, user.Caller(), clock, ct)).ToHttp(() => TypedResults.Accepted($"/api/access-requests/{id}"));

    public static async Task<Outcome> RevokeAsync(Guid id, string reason, IDocumentSession session, IMessageBus bus, Caller caller, TimeProvider clock,
        CancellationToken ct)
    {
        if ((await GetAccessRequestsEndpoint.VisibleAsync(session, id, caller, ct)).Refused is { } unseen) return unseen;
        // Under the request's stream lock, on the request as it is then: its run appends to the same stream.
        var stream = await IncidentStreams.ForPersonAsync(session, id, ct);
        var request = (await session.LoadAsync<AccessRequest>(id, ct))!;
        if (!request.MayBeEnded)
            return Refusal.Conflict("The request has ended", $"Access request {id} is {request.Status}; there is nothing to take back.");
        if (request.HoldsAGrant)
        {
            await bus.PublishAsync(new RevokeGrantedAccess(id, caller.Subject, reason));
            return Outcome.Done;
        }
        stream.AppendOne(new AccessWithdrawn(id, caller.Subject, reason, clock.GetUtcNow()));
        await bus.PublishAsync(new CancelRun(request.RunId, $"withdrawn by {caller.Subject}: {reason}", caller.Subject));
        return Outcome.Done;
    }
}

/// <summary>
/// Takes a request's grant back now, under its stream's lock from before the database is asked until what happened is recorded:
/// revoked (or handed over) and the run cancelled, or, when the database refused, that it did, with the grant left standing. The
/// lock is held across the revoke (seconds at most) so that nothing else records an end meanwhile: the drift scanner, finding the
/// grant gone, would otherwise call this revoke one made outside the product.
/// </summary>
public static class RevokeGrantedAccessHandler
{
    public static async Task Handle(RevokeGrantedAccess command, IDocumentSession session, IMessageBus bus, NamedConnections connections,
        TimeProvider clock, ILogger<RevokeGrantedAccess> logger, CancellationToken ct)
    {
        var stream = await IncidentStreams.ForPersonAsync(session, command.RequestId, ct);
        if (await session.LoadAsync<AccessRequest>(command.RequestId, ct) is not { HoldsAGrant: true } request) return; // taken back already
        var now = clock.GetUtcNow();
        var context = new Actions.ActionContext(request.Id, request.RunId, "revoke-early", 1, $"{request.Id}:revoke-early", new Dictionary<string, object?>(),
            session, now, []);
        object ended;
        try
        {
            (_, ended) = await RequestedAccess.RevokeAsync(connections, request, context, command.By, command.Reason, ct);
        }
        catch (Exception e) when (e is ActionFailedException or System.Data.Common.DbException or TimeoutException)
        {
            logger.LogWarning(e, "Revoking access request {Request} early failed", request.Id);
            ended = new AccessRevokeFailed(request.Id, command.By, command.Reason, e.Message, now);
        }
        stream.AppendOne(ended);
        if (ended is not AccessRevokeFailed)
            await bus.PublishAsync(new CancelRun(request.RunId, $"revoked early by {command.By}: {command.Reason}", command.By));
    }
}

public static class ExpireAccessRequestHandler
{
    public static async Task Handle(ExpireAccessRequest command, IDocumentSession session, IMessageBus bus, AccessOptions options, TimeProvider clock,
        CancellationToken ct)
    {
        var stream = await IncidentStreams.ForPersonAsync(session, command.RequestId, ct);
        // Decided in time (its grant may be under way), or ended otherwise: nothing expires.
        if (await session.LoadAsync<AccessRequest>(command.RequestId, ct) is not { Status: AccessStatuses.Pending, Approved: false } request) return;
        var pendingFor = command.PendingFor is { Length: > 0 } given ? given : Durations.Format(options.PendingFor);
        stream.AppendOne(new AccessRequestExpired(request.Id, pendingFor, clock.GetUtcNow()));
        await bus.PublishAsync(new CancelRun(request.RunId, $"not decided within {pendingFor}", "system"));
    }
}

/// <summary>
/// <c>POST /api/access-requests/{id}/extend</c> <c>{duration, reason}</c>: asks again, for the same grantee, dataset and purpose, under
/// the catalogue as it is now: a new request its approvers decide. Granted before the first one's end, it holds the access on, and
/// the first one ends without a revoke in between (handed over). For those who may see the request, while it is granted.
/// </summary>
public static class ExtendAccessEndpoint
{
    public static ProblemDetails Validate(ExtendAccess? request) => request is null
        ? Problems.MissingBody()
        : new Problems.Validation()
            .Require(!string.IsNullOrWhiteSpace(request.Duration), "duration", "How long the extension lasts from its grant is required (like 8h or 14d).")
            .Require(!string.IsNullOrWhiteSpace(request.Reason), "reason", "Why the access is needed for longer is required.")
            .ToProblem();

    [WolverinePost("/api/access-requests/{id}/extend"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Post(Guid id, ExtendAccess request, IDocumentSession session, IMessageBus bus, Catalogue.CatalogueFolder catalogue,
        Catalogue.DatasetAccess access, NamedConnections connections, Playbooks.PlaybookCatalog playbooks, PinnedPlaybooks pinned, AccessOptions options,
        ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        (await ExtendAsync(id, request, session, bus, catalogue, access, connections, playbooks, pinned, options, user, clock, ct))
        .ToHttp(accepted => TypedResults.Accepted($"/api/access-requests/{accepted.RequestId}", accepted));

    public static async Task<Outcome<AccessRequestAccepted>> ExtendAsync(Guid id, ExtendAccess request, IDocumentSession session, IMessageBus bus,
        Catalogue.CatalogueFolder catalogue, Catalogue.DatasetAccess access, NamedConnections connections, Playbooks.PlaybookCatalog playbooks,
        PinnedPlaybooks pinned, AccessOptions options, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var visible = await GetAccessRequestsEndpoint.VisibleAsync(session, id, user.Caller(), ct);
        if (visible.Value is not { } extended) return visible.Refused!;
        if (!extended.MayBeExtended)
            return Refusal.Conflict("Only a granted request is extended", $"Access request {id} is {extended.Status}; ask for access anew instead.");
        return await RequestAccessEndpoint.RequestAsync(
            new RequestAccess(extended.Dataset, extended.Grantee, extended.Purpose, request.Duration, request.Reason, extended.Ticket), session, bus, catalogue,
            access, connections, playbooks, pinned, options, user, clock, ct, extends: id);
    }
}
