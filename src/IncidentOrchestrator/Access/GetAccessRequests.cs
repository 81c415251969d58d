using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Access;

/// <summary>
/// Requests for access, for whom they concern: the requester, the people asked to decide (by name or role), and
/// administrators. To anyone else a request does not exist (the same 404 as an unknown id).
/// </summary>
public static class GetAccessRequestsEndpoint
{
    public static bool MaySee(this Caller caller, AccessRequest request) =>
        caller.IsAdmin || caller.Subject == request.RequestedBy || request.Approvers.Any(caller.IsAddressedAs);

    [WolverineGet("/api/access-requests/{id}"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, ClaimsPrincipal user, CancellationToken ct) =>
        (await FindAsync(id, session, user.Caller(), ct)).ToHttp(TypedResults.Ok);

    public static async Task<Outcome<AccessRequestView>> FindAsync(Guid id, IQuerySession session, Caller caller, CancellationToken ct) =>
        await session.LoadAsync<AccessRequest>(id, ct) is { } request && caller.MaySee(request)
            ? View(request)
            : Refusal.NotFound("Access request", id);

    /// <summary>The requests the caller may see, newest first (at most 200).</summary>
    [WolverineGet("/api/access-requests"), Authorize(Roles = Roles.Readers)]
    public static async Task<IReadOnlyList<AccessRequestView>> List(IQuerySession session, ClaimsPrincipal user, CancellationToken ct)
    {
        var caller = user.Caller();
        var requests = await session.Query<AccessRequest>().OrderByDescending(r => r.RequestedAt).Take(1000).ToListAsync(ct);
        return requests.Where(caller.MaySee).Take(200).Select(View).ToList();
    }

    public static AccessRequestView View(AccessRequest r) => new(r.Id, r.Dataset, r.Grantee, r.Purpose, r.Duration, r.Reason, r.Ticket, r.RequestedBy,
        r.RequestedAt, r.Approvers, r.Quorum, r.Status, r.Decisions.Select(d => new AccessDecisionView(d.By, d.Decision, d.Comment, d.At)).ToList(),
        r.GrantedAt, r.EndsAt, r.EndedAt, r.EndReason, r.DatasetHash, r.CatalogueHash, r.RunId);
}
