using IncidentOrchestrator.Runs;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Approvals;

/// <summary>A run's approval step began: open the approval.</summary>
/// <param name="Subject">What the run acts for: an incident, or an access request (its IncidentId is the request's id).</param>
public sealed record OpenApproval(Guid IncidentId, Guid RunId, string StepId, string Title, List<string> Approvers, int Quorum,
    TimeSpan? Within, string RequestedBy, string Subject = Playbooks.Model.Subjects.Incident);

public sealed record ApprovalDue(Guid ApprovalId);

public static class OpenApprovalHandler
{
    public static OutgoingMessages Handle(OpenApproval command, IDocumentSession session, TimeProvider clock) =>
        When(command, new Tasks.MartenWorkStore(session), clock.GetUtcNow());

    internal static OutgoingMessages When(OpenApproval command, Tasks.IWorkStore store, DateTimeOffset now)
    {
        var approval = new ApprovalItem
        {
            Id = Guid.CreateVersion7(), IncidentId = command.IncidentId, RunId = command.RunId, StepId = command.StepId, Title = command.Title,
            Approvers = command.Approvers, Quorum = command.Quorum, RequestedBy = command.RequestedBy, OpenedAt = now, DueBy = now + command.Within,
            Subject = command.Subject,
        };
        store.Store(approval);
        store.Append(approval.IncidentId, new ApprovalRequested(approval.IncidentId, approval.Id, approval.RunId, approval.StepId,
            approval.Title, approval.Approvers, approval.Quorum, approval.DueBy, now));
        // A person asked by name must be able to read what they decide on (those asked by role may decide through the gate).
        foreach (var person in approval.Approvers.Where(a => a.StartsWith("user:", StringComparison.Ordinal)))
            store.Append(approval.IncidentId, new Incidents.ParticipantAdded(approval.IncidentId, person["user:".Length..], "system", now));
        var timers = new OutgoingMessages
        {
            new Notifications.Notify(approval.IncidentId, "approval",
                $"Your decision is asked: {approval.Title} ({approval.Quorum} needed{(approval.DueBy is { } due ? $", by {due:u}" : "")})", approval.Approvers,
                approval.Id, approval.DueBy, Notifications.NotificationKinds.ApprovalWork),
        };
        if (command.Within is { } within) timers.Delay(new ApprovalDue(approval.Id), within);
        return timers;
    }
}

/// <summary>
/// The approval stays open past its time: the timeline says it is overdue, and it escalates to the
/// commanders (and reminds the approvers) while the run keeps waiting for the decision.
/// </summary>
public static class ApprovalDueHandler
{
    public static Task<OutgoingMessages> Handle(ApprovalDue due, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        When(due, new Tasks.MartenWorkStore(session), clock.GetUtcNow(), ct);

    internal static async Task<OutgoingMessages> When(ApprovalDue due, Tasks.IWorkStore store, DateTimeOffset now, CancellationToken ct)
    {
        var approval = await store.LoadAsync<ApprovalItem>(due.ApprovalId, ct);
        if (approval is not { Outcome: null }) return [];
        store.Append(approval.IncidentId, new ApprovalOverdue(approval.IncidentId, approval.Id, approval.StepId, now));
        var decided = ApprovalRule.Approvals(approval.Decisions, approval.RequestedBy);
        return
        [
            new Notifications.Notify(approval.IncidentId, "escalation",
                $"Approval overdue: {approval.Title} ({decided} of {approval.Quorum} approvals; asked of {string.Join(", ", approval.Approvers)})",
                [Playbooks.Running.RunDecider.Escalation, .. approval.Approvers], approval.Id, approval.DueBy, Notifications.NotificationKinds.ApprovalWork),
        ];
    }
}

/// <summary>A run that ended cancels its open approvals.</summary>
public static class CancelRunApprovalsHandler
{
    public static async Task<OutgoingMessages> Handle(RunWorkClosed closed, IDocumentSession session, Notifications.NotificationOptions notifications,
        CancellationToken ct)
    {
        var settled = new OutgoingMessages();
        foreach (var approval in await session.Query<ApprovalItem>().Where(a => a.RunId == closed.RunId).ToListAsync(ct))
        {
            if (approval.Outcome is not null || (closed.StepId is { } step && approval.StepId != step) || approval.OpenedAt > closed.OpenedBefore) continue;
            approval.Outcome = "cancelled";
            session.Store(approval);
            if (notifications.Pages) settled.Add(new Notifications.WorkChanged(approval.IncidentId, approval.Id, Notifications.WorkStatuses.Settled));
        }
        return settled;
    }
}
