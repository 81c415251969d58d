namespace IncidentOrchestrator.FollowUps;

/// <summary>The owner is reminded before the due date.</summary>
public sealed record FollowUpReminderDue(Guid IncidentId, Guid FollowUpId, DateTimeOffset DueAt);

/// <summary>The follow-up is overdue: level 1 goes to the incident's commander, level 2 to leadership.</summary>
public sealed record FollowUpOverdue(Guid IncidentId, Guid FollowUpId, DateTimeOffset DueAt, int Level);

public static class FollowUpTimers
{
    public const int LastLevel = 2;

    /// <summary>A follow-up's timers from <paramref name="now"/>: its reminder (unless that moment has passed) and its first escalation, at its due date.</summary>
    public static IReadOnlyList<(object Message, DateTimeOffset At)> For(Guid incidentId, Guid followUpId, DateTimeOffset dueAt, DateTimeOffset now,
        FollowUpOptions options)
    {
        List<(object, DateTimeOffset)> timers = [];
        if (dueAt - options.RemindBefore > now) timers.Add((new FollowUpReminderDue(incidentId, followUpId, dueAt), dueAt - options.RemindBefore));
        timers.Add((new FollowUpOverdue(incidentId, followUpId, dueAt, 1), dueAt > now ? dueAt : now));
        return timers;
    }
}
