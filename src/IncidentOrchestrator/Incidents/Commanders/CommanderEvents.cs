using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Incidents.Commanders;

/// <summary>
/// The incident has a (new) commander: whoever was on call in the commander rotation when it opened,
/// or the person a hand-over named. <see cref="From"/> is the previous commander, who stays a participant.
/// </summary>
public sealed record CommanderAssigned(Guid IncidentId, string Subject, string? From, string Reason, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => From is null
        ? $"{Subject} is the incident commander ({Reason})"
        : $"{From} handed command to {Subject}";
}

/// <summary>An incident opened by a signal that nobody commands: no commander rotation is configured, or nobody is on call in it.</summary>
public sealed record CommanderUnassigned(Guid IncidentId, string Reason, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"No commander: {Reason}. Admins are notified; assign one with a hand-over.";
}
