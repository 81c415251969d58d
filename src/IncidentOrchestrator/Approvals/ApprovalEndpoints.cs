using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Approvals;

public sealed record ApprovalView(Guid ApprovalId, Guid IncidentId, Guid RunId, string StepId, string Title, IReadOnlyList<string> Approvers,
    int Quorum, IReadOnlyList<ApprovalDecision> Decisions, string? Outcome, DateTimeOffset? DueBy, string Link)
{
    public static ApprovalView Of(ApprovalItem a) => new(a.Id, a.IncidentId, a.RunId, a.StepId, a.Title, a.Approvers, a.Quorum, a.Decisions,
        a.Outcome, a.DueBy, $"/api/incidents/{a.IncidentId}");
}

public sealed record Decide(string? Decision, string? Comment);

public static class ApprovalEndpoints
{
    public static bool MayDecide(this ApprovalItem approval, Caller caller) =>
        caller.Subject != approval.RequestedBy
        && approval.Approvers.Any(a => a == $"user:{caller.Subject}" || caller.Roles.Any(r => a == $"role:{r}"));

    [WolverineGet("/api/approvals"), Authorize(Roles = Roles.Readers)]
    public static async Task<IReadOnlyList<ApprovalView>> List(bool? mine, Guid? incident, IQuerySession session, NeedToKnowGate needToKnow,
        HttpContext context, CancellationToken ct)
    {
        var caller = context.User.Caller();
        var query = session.Query<ApprovalItem>().AsQueryable();
        if (incident is { } id) query = query.Where(a => a.IncidentId == id);
        var approvals = await query.OrderBy(a => a.OpenedAt).Take(500).ToListAsync(ct);
        var wanted = approvals
            .Where(a => mine != true || (a.Outcome is null && a.MayDecide(caller) && a.Decisions.All(d => d.By != caller.Subject))).ToList();
        var shown = await needToKnow.ShownAsync(session, context, wanted, a => a.IncidentId, a => a.MayDecide(caller));
        return shown.Select(ApprovalView.Of).ToList();
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
        TimeProvider clock, CancellationToken ct)
    {
        var caller = user.Caller();
        var approval = await session.LoadAsync<ApprovalItem>(approvalId, ct);
        if (approval is null) return Problems.NotFound("Approval", approvalId);
        if (caller.Subject == approval.RequestedBy)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Separation of duties",
                detail: "Whoever started the run cannot approve its steps.");
        if (!approval.MayDecide(caller))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not an approver",
                detail: $"Approval {approvalId} is for {string.Join(", ", approval.Approvers)}.");
        if (approval.Outcome is not null)
            return Problems.Conflict("The approval is closed", $"Approval {approvalId} ended {approval.Outcome}.");
        if (approval.Decisions.Any(d => d.By == caller.Subject)) return TypedResults.NoContent(); // deciding twice counts once

        var now = clock.GetUtcNow();
        var decision = request.Decision == "approve" ? "approved" : "rejected";
        approval.Decisions.Add(new ApprovalDecision(caller.Subject, decision, request.Comment, now));
        session.Events.Append(approval.IncidentId, new ApprovalDecided(approval.IncidentId, approval.Id, approval.StepId, decision, request.Comment,
            caller.Subject, now));
        if (decision == "rejected" || approval.Decisions.Count(d => d.Decision == "approved") >= approval.Quorum)
        {
            approval.Outcome = decision;
            await bus.PublishAsync(new HumanStepEnded(approval.RunId, approval.StepId, decision, [], caller.Subject));
        }
        session.Store(approval);
        return TypedResults.NoContent();
    }
}
