using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using Marten;
using Marten.Linq.MatchesSql;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Access;

/// <summary>A request's history as its stream tells it, and whether it verifies.</summary>
public sealed record AccessRequestHistory(IReadOnlyList<Timeline.TimelineItem> Events, ChainVerification Chain);

/// <summary>What a list of access requests is asked for: the filters of <c>GET /api/access-requests</c>, as given.</summary>
public sealed record AccessRequestQuery(string? Status = null, string? Dataset = null, bool? Mine = null, int? Limit = null, string? Cursor = null);

/// <summary>
/// Requests for access, for whom they concern: the requester, the people asked to decide (by name or role), and
/// administrators. To anyone else a request does not exist (the same 404 as an unknown id).
/// </summary>
public static class GetAccessRequestsEndpoint
{
    public static bool MaySee(this Caller caller, AccessRequest request) =>
        caller.IsAdmin || caller.Subject == request.RequestedBy || request.Approvers.Any(caller.IsAddressedAs);

    [WolverineGet("/api/access-requests/{id}"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, PinnedPlaybooks playbooks, IncidentReads reads, HttpContext context,
        CancellationToken ct) =>
        (await FindAsync(id, session, playbooks, reads, context.User.Caller(), NeedToKnowGate.EndpointName(context), ct)).ToHttp(TypedResults.Ok);

    /// <summary>
    /// The request, with its run's steps, for any door. A request names a role, a dataset and a reason: every read of one is recorded
    /// (<paramref name="door"/> names where), as a restricted incident's is, refused ones too; a read that cannot be recorded shows nothing.
    /// </summary>
    public static async Task<Outcome<AccessRequestView>> FindAsync(Guid id, IQuerySession session, PinnedPlaybooks playbooks, IncidentReads reads,
        Caller caller, string door, CancellationToken ct)
    {
        var admitted = await AdmitAsync(id, session, reads, caller, door, ct);
        if (admitted.Refused is { } refused) return refused;
        var request = admitted.Value!;
        var run = await session.LoadAsync<PlaybookRun>(request.RunId, ct);
        var steps = run is null ? null : RunViews.Of(run, (await playbooks.GetAsync(run.PlaybookHash, session, ct)).Steps.Select(s => s.Id).ToList());
        return View(request, steps);
    }

    /// <summary>The request, for one who may see it; the same 404 for unknown and unseen (for the operations that act on one).</summary>
    public static async Task<Outcome<AccessRequest>> VisibleAsync(IQuerySession session, Guid id, Caller caller, CancellationToken ct) =>
        await session.LoadAsync<AccessRequest>(id, ct) is { } request && caller.MaySee(request) ? request : Refusal.NotFound("Access request", id);

    /// <summary>The request for one who may see it, that read recorded first (the same 404 for unknown and unseen; nothing shown unrecorded).</summary>
    private static async Task<Outcome<AccessRequest>> AdmitAsync(Guid id, IQuerySession session, IncidentReads reads, Caller caller, string door,
        CancellationToken ct)
    {
        var found = await session.LoadAsync<AccessRequest>(id, ct);
        if (found is null) return Refusal.NotFound("Access request", id);
        var allowed = caller.MaySee(found);
        if (!await reads.RecordOneAsync(id, allowed, caller, door, ct)) return Refusal.ReadNotRecorded;
        return allowed ? found : Refusal.NotFound("Access request", id);
    }

    /// <summary>
    /// <c>GET /api/access-requests/{id}/history</c>: everything its stream says, oldest first (asked, decided, granted, ended, its run's
    /// steps), and whether that history verifies: each event linked by SHA-256 to the one before, as an incident's.
    /// </summary>
    [WolverineGet("/api/access-requests/{id}/history"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> History(Guid id, IQuerySession session, IncidentReads reads, Security.TamperEvidence.ChainVerifier verifier,
        HttpContext context, CancellationToken ct) =>
        (await HistoryAsync(id, session, reads, verifier, context.User.Caller(), NeedToKnowGate.EndpointName(context), ct)).ToHttp(TypedResults.Ok);

    public static async Task<Outcome<AccessRequestHistory>> HistoryAsync(Guid id, IQuerySession session, IncidentReads reads,
        Security.TamperEvidence.ChainVerifier verifier, Caller caller, string door, CancellationToken ct)
    {
        var admitted = await AdmitAsync(id, session, reads, caller, door, ct);
        return admitted.Refused is { } refused ? refused : await HistoryOfAsync(id, session, verifier, ct);
    }

    /// <summary>The history of a request the caller was admitted to already (its page, which records its one read).</summary>
    public static async Task<AccessRequestHistory> HistoryOfAsync(Guid id, IQuerySession session, Security.TamperEvidence.ChainVerifier verifier,
        CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        return new AccessRequestHistory(events.OrderBy(e => e.Version).Select(e => Timeline.TimelineProjection.Project(e)).ToList(),
            await verifier.VerifyAsync(id, ct));
    }

    /// <summary>
    /// <c>GET /api/access-requests</c>: the requests the caller may see, newest first, <c>limit</c> at a time (default 50, at most
    /// 500), the next page in the <c>Link</c> header. Filters: <c>status</c> (one or a comma list), <c>dataset</c>, <c>mine</c> (asked by
    /// the caller).
    /// </summary>
    [WolverineGet("/api/access-requests"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> List(string? status, string? dataset, bool? mine, int? limit, string? cursor, IQuerySession session,
        HttpContext context, CancellationToken ct) =>
        (await ListAsync(new AccessRequestQuery(status, dataset, mine, limit, cursor), context.User.Caller(), session, ct))
        .ToHttp(listed => Paging.Ok(context, listed));

    public static async Task<Outcome<Listed<AccessRequestView>>> ListAsync(AccessRequestQuery filter, Caller caller, IQuerySession session,
        CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var statuses = EnumFilter.Parse(filter.Status, AccessStatuses.All, "status", validation);
        var pageSize = Paging.Limit(filter.Limit, validation);
        var after = Paging.ParseCursor(filter.Cursor, validation);
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The access request list query is not valid"));

        var (page, next) = await Paging.ScanAsync<AccessRequest, Cursor>(async (position, count) =>
            {
                var query = session.Query<AccessRequest>().AsQueryable();
                // The same rule as MaySee, in the database: asked by the caller, or asking them (by name or by a role they hold).
                if (filter.Mine == true) query = query.Where(r => r.RequestedBy == caller.Subject);
                else if (!caller.IsAdmin)
                    query = query.Where(r => r.MatchesSql("(d.data ->> 'requestedBy' = ? or jsonb_exists_any(d.data -> 'approvers', ?))",
                        caller.Subject, caller.Principals.ToArray()));
                if (statuses.Length > 0) query = query.Where(r => r.Status.IsOneOf(statuses));
                if (!string.IsNullOrWhiteSpace(filter.Dataset)) query = query.Where(r => r.Dataset == filter.Dataset);
                if (position is { } c) query = query.Where(r => r.MatchesSql("(d.requested_at, d.id) < (?, ?)", c.At, c.Id));
                return await query.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id).Take(count).ToListAsync(ct);
            },
            requests => Task.FromResult<IReadOnlyList<AccessRequest>>(requests.Where(caller.MaySee).ToList()),
            r => Cursor.Of(r.RequestedAt, r.Id), after, pageSize);
        return new Listed<AccessRequestView>(page.Select(r => View(r)).ToList(), next?.Encode());
    }

    public static AccessRequestView View(AccessRequest r, Contracts.RunView? run = null) => new(r.Id, r.Dataset, r.Grantee, r.Purpose, r.Duration,
        r.Reason, r.Ticket, r.RequestedBy, r.RequestedAt, r.Approvers, r.Quorum, r.Status,
        r.Decisions.Select(d => new AccessDecisionView(d.By, d.Decision, d.Comment, d.At)).ToList(), r.GrantedAt, r.EndsAt, r.EndedAt, r.EndReason,
        r.DatasetHash, r.CatalogueHash, r.RunId, r.Connection, r.Table, r.EndedBy, run, r.Extends, r.HandedOverTo, r.RevokeFailure, r.BreakGlass, r.MayBeEnded, r.MayBeExtended);
}
