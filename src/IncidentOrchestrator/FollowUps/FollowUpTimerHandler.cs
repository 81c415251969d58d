using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Notifications;
using Marten;

namespace IncidentOrchestrator.FollowUps;

/// <summary>
/// A follow-up's owner is reminded before its due date; once it is overdue it goes to the incident's commander, and after
/// <see cref="FollowUpOptions.LeadershipAfter"/> to leadership. A timer that finds the follow-up done, its due date moved, or its level
/// already reached does nothing.
/// </summary>
public static class FollowUpTimerHandler
{
    public static Task Handle(FollowUpReminderDue due, IncidentCommands commands, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return commands.DecideAsync(due.IncidentId, incident => incident.FollowUps.Find(f => f.Id == due.FollowUpId) is { IsPending: true } followUp
                                                                && followUp.DueAt == due.DueAt && followUp.RemindedFor != due.DueAt
            ? new IncidentDecision(null, [new FollowUpReminded(incident.Id, followUp.Id, followUp.Owner, followUp.DueAt, now)],
                [new Notify(incident.Id, NotificationKinds.FollowUp, $"Your follow-up is due {followUp.DueAt:yyyy-MM-dd}", [$"user:{followUp.Owner}"],
                    followUp.Id, followUp.DueAt, NotificationKinds.FollowUpWork)])
            : IncidentDecision.Nothing, ct);
    }

    public static Task Handle(FollowUpOverdue due, IncidentCommands commands, FollowUpOptions options, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return commands.DecideAsync(due.IncidentId, incident =>
        {
            if (incident.FollowUps.Find(f => f.Id == due.FollowUpId) is not { IsPending: true } followUp || followUp.DueAt != due.DueAt
                || followUp.EscalationLevel >= due.Level)
                return IncidentDecision.Nothing;
            var to = due.Level > 1 ? $"role:{Roles.Leadership}" : incident.Commander is { } commander ? $"user:{commander}" : $"role:{Roles.Commander}";
            var escalated = new FollowUpEscalated(incident.Id, followUp.Id, to, due.Level, followUp.DueAt, now);
            // No title: a notice reaches people and channels that may not read the incident's texts; its link shows what they may.
            var notice = new Notify(incident.Id, NotificationKinds.Escalation, $"A follow-up owned by {followUp.Owner} is overdue since {followUp.DueAt:yyyy-MM-dd}",
                [to, $"user:{followUp.Owner}"], followUp.Id, followUp.DueAt, NotificationKinds.FollowUpWork);
            return FollowUpTimers.NextEscalation(followUp.DueAt, due.Level, now, options) is { } next
                ? new IncidentDecision(null, [escalated], [notice])
                    { Scheduled = [(new FollowUpOverdue(incident.Id, followUp.Id, followUp.DueAt, next.Level), next.At)] }
                : new IncidentDecision(null, [escalated], [notice]);
        }, ct);
    }
}
