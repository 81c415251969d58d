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

    /// <summary>The escalation after <paramref name="level"/>: the commander's at the due date, leadership's once the commander has had it for
    /// <see cref="FollowUpOptions.LeadershipAfter"/>; null past the last.</summary>
    public static (int Level, DateTimeOffset At)? NextEscalation(DateTimeOffset dueAt, int level, DateTimeOffset now, FollowUpOptions options) => level switch
    {
        0 => (1, dueAt > now ? dueAt : now),
        < LastLevel => (level + 1, now + options.LeadershipAfter),
        _ => null,
    };
}
