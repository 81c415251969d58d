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
                                                                && followUp.DueAt == due.DueAt
            ? new IncidentDecision(null, [new FollowUpReminded(incident.Id, followUp.Id, followUp.Owner, followUp.DueAt, now)],
                [new Notify(incident.Id, NotificationKinds.FollowUp, $"Follow-up due {followUp.DueAt:yyyy-MM-dd}: {followUp.Title}", [$"user:{followUp.Owner}"],
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
            var to = due.Level == 1 && incident.Commander is { } commander ? $"user:{commander}" : $"role:{Roles.Leadership}";
            var escalated = new FollowUpEscalated(incident.Id, followUp.Id, to, due.Level, followUp.DueAt, now);
            var notice = new Notify(incident.Id, NotificationKinds.Escalation, $"Follow-up overdue since {followUp.DueAt:yyyy-MM-dd} ({followUp.Owner}): {followUp.Title}",
                [to, $"user:{followUp.Owner}"], followUp.Id, followUp.DueAt, NotificationKinds.FollowUpWork);
            return due.Level < FollowUpTimers.LastLevel
                ? new IncidentDecision(null, [escalated], [notice])
                    { Scheduled = [(new FollowUpOverdue(incident.Id, followUp.Id, followUp.DueAt, due.Level + 1), now + options.LeadershipAfter)] }
                : new IncidentDecision(null, [escalated], [notice]);
        }, ct);
    }
}
