using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using Marten;
using Marten.Linq.MatchesSql;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Approvals;

/// <param name="Subject">What it is for: <c>incident</c>, or <c>access-request</c> (<paramref name="IncidentId"/> is then the request's id).</param>
/// <param name="Link">Where the API answers for what it is for.</param>
public sealed record ApprovalView(Guid ApprovalId, Guid IncidentId, Guid RunId, string StepId, string Title, IReadOnlyList<string> Approvers,
    int Quorum, IReadOnlyList<ApprovalDecision> Decisions, string? Outcome, DateTimeOffset? DueBy, string Link, string Subject)
{
    public static ApprovalView Of(ApprovalItem a) => new(a.Id, a.IncidentId, a.RunId, a.StepId, a.Title, a.Approvers, a.Quorum, a.Decisions,
        a.Outcome, a.DueBy, RunSubject.ApiLinkOf(a.Subject, a.IncidentId), a.Subject);
}

/// <summary>What a list of approvals is asked for: the filters of <c>GET /api/approvals</c>, as given.</summary>
public sealed record ApprovalQuery(bool? Mine = null, Guid? Incident = null, string? Status = null, int? Limit = null, string? Cursor = null);

public static class ApprovalEndpoints
{
    public static bool MayDecide(this ApprovalItem approval, Caller caller) =>
        caller.Subject != approval.RequestedBy
        && approval.Approvers.Any(caller.IsAddressedAs);

    /// <summary>Whether it still waits for the caller's decision.</summary>
    public static bool AwaitsDecisionOf(this ApprovalItem approval, Caller caller) =>
        approval.Outcome is null && approval.MayDecide(caller) && approval.Decisions.All(d => d.By != caller.Subject);

    /// <summary>
    /// <c>GET /api/approvals</c>: oldest first, <c>limit</c> at a time (default 50, at most 500), the next page in the
    /// <c>Link</c> header. Filters: <c>mine</c> (waiting for the caller's decision), <c>status</c> (open, approved,
    /// rejected, cancelled; one or a comma list), <c>incident</c>.
    /// </summary>
    [WolverineGet("/api/approvals"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> List(bool? mine, Guid? incident, string? status, int? limit, string? cursor, IQuerySession session,
        NeedToKnowGate needToKnow, HttpContext context, CancellationToken ct) =>
        (await FindAsync(new ApprovalQuery(mine, incident, status, limit, cursor), context.User.Caller(), session, needToKnow,
            NeedToKnowGate.EndpointName(context), ct)).ToHttp(listed => Paging.Ok(context, listed));

    /// <summary>
    /// The approvals list, for any door: the approvals <paramref name="caller"/> may see that match, a page at a time, each
    /// restricted incident shown recorded as read by <paramref name="readBy"/>.
    /// </summary>
    public static async Task<Outcome<Listed<ApprovalView>>> FindAsync(ApprovalQuery filter, Caller caller, IQuerySession session,
        NeedToKnowGate needToKnow, string readBy, CancellationToken ct, ISet<Guid>? recorded = null)
    {
        var validation = new Problems.Validation();
        var statuses = EnumFilter.Parse(filter.Status, ApprovalItem.Statuses, "status", validation);
        var pageSize = Paging.Limit(filter.Limit, validation);
        var after = Paging.ParseCursor(filter.Cursor, validation);
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The approval list query is not valid"));

        var incidents = new IncidentsLoaded(session);
        var outcomes = statuses.Where(s => s != ApprovalItem.Open).ToArray();
        var (page, next) = await Paging.ScanAsync<ApprovalItem, Cursor>(async (position, count) =>
            {
                var query = session.Query<ApprovalItem>().AsQueryable();
                if (filter.Incident is { } id) query = query.Where(a => a.IncidentId == id);
                if (statuses.Length > 0 && statuses.Contains(ApprovalItem.Open))
                    query = query.Where(a => a.Outcome == null || a.Outcome.IsOneOf(outcomes));
                else if (statuses.Length > 0) query = query.Where(a => a.Outcome.IsOneOf(outcomes));
                if (position is { } c) query = query.Where(a => a.MatchesSql("(d.opened_at, d.id) > (?, ?)", c.At, c.Id));
                return await query.OrderBy(a => a.OpenedAt).ThenBy(a => a.Id).Take(count).ToListAsync(ct);
            },
            approvals => NeedToKnowGate.VisibleAsync(incidents, caller, approvals.Where(a => filter.Mine != true || a.AwaitsDecisionOf(caller)).ToList(),
                a => a.IncidentId, a => a.MayDecide(caller), ct),
            a => Cursor.Of(a.OpenedAt, a.Id), after, pageSize);

        await needToKnow.RecordShownAsync(incidents, caller, readBy, page.Select(a => a.IncidentId), ct, recorded);
        return new Listed<ApprovalView>(page.Select(ApprovalView.Of).ToList(), next?.Encode());
    }
}

/// <summary>A decision on an approval: a quorum of distinct people approves, any one rejects.</summary>
public static class DecideApprovalEndpoint
{
    public static ProblemDetails Validate(Decide? request) => request is null
        ? Problems.MissingBody()
        : new Problems.Validation().Require(request.Decision is "approve" or "reject", "decision", "Either 'approve' or 'reject'.").ToProblem();

    [WolverinePost("/api/approvals/{approvalId}/decision"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Post(Guid approvalId, Decide request, IDocumentSession session, IMessageBus bus, ClaimsPrincipal user,
        TimeProvider clock, Notifications.NotificationOptions notifications, CancellationToken ct) =>
        (await DecideAsync(approvalId, request, session, bus, user, clock, notifications, ct)).ToHttp();

    /// <summary>An approver's decision; a rejection, or the quorum's last approval, ends the approval and its step.</summary>
    public static async Task<Outcome> DecideAsync(Guid approvalId, Decide request, IDocumentSession session, IMessageBus bus, ClaimsPrincipal user,
        TimeProvider clock, Notifications.NotificationOptions notifications, CancellationToken ct)
    {
        var caller = user.Caller();
        if (await session.LoadAsync<ApprovalItem>(approvalId, ct) is not { } asked) return Refusal.NotFound("Approval", approvalId);
        // Decisions on one incident are taken one at a time, under its stream's lock, on the approval as it is then: two
        // approvers deciding at once both count.
        var stream = await IncidentStreams.ForPersonAsync(session, asked.IncidentId, ct);
        var approval = (await session.LoadAsync<ApprovalItem>(approvalId, ct))!;
        if (caller.Subject == approval.RequestedBy)
            return Refusal.Forbidden("Separation of duties", "Whoever started the run cannot approve its steps.");
        if (!approval.MayDecide(caller))
            return Refusal.Forbidden("Not an approver", $"Approval {approvalId} is for {string.Join(", ", approval.Approvers)}.");
        if (approval.Outcome is not null)
            return Refusal.Conflict("The approval is closed", $"Approval {approvalId} ended {approval.Outcome}.");
        if (approval.Decisions.Any(d => d.By == caller.Subject)) return Outcome.Done; // deciding twice counts once

        var now = clock.GetUtcNow();
        var decision = request.Decision == "approve" ? ApprovalRule.Approved : ApprovalRule.Rejected;
        approval.Decisions.Add(new ApprovalDecision(caller.Subject, decision, request.Comment, now));
        stream.AppendOne(new ApprovalDecided(approval.IncidentId, approval.Id, approval.StepId, decision, request.Comment,
            caller.Subject, now));
        if (ApprovalRule.Outcome(approval.Decisions, approval.Quorum, approval.RequestedBy) is { } outcome)
        {
            approval.Outcome = outcome;
            await bus.PublishAsync(new HumanStepEnded(approval.RunId, approval.StepId, outcome, [], caller.Subject));
            if (notifications.Pages) await bus.PublishAsync(new Notifications.WorkChanged(approval.IncidentId, approval.Id, Notifications.WorkStatuses.Settled));
        }
        session.Store(approval);
        return Outcome.Done;
    }
}
