using IncidentOrchestrator.Security;
using JasperFx.Events;

namespace IncidentOrchestrator.Timeline;

/// <summary>
/// One line of an incident's timeline. <see cref="Sequence"/> is the event's position in its stream, and
/// the timeline is ordered by it: the order things were recorded in. <see cref="At"/> is when the thing
/// happened (an action reports the moment it acted, which can be earlier than its neighbours' times);
/// <see cref="RecordedAt"/> is when the event was appended. <see cref="Data"/> is the event itself (written as JSON
/// once, with the response), or its JSON with the sensitive fields redacted.
/// </summary>
public sealed record TimelineItem(long Sequence, DateTimeOffset At, DateTimeOffset RecordedAt, string Type, string Actor, string Summary,
    object Data);

/// <summary>
/// The timeline is a live projection of the incident's stream: it is computed from the events
/// themselves at read time, so it can never drift from the record it describes and costs no
/// second write per event. Sensitive fields are redacted here, for viewers without need-to-know,
/// in the data and in the sentence that describes it.
/// </summary>
public static class TimelineProjection
{
    public static IReadOnlyList<TimelineItem> Project(IEnumerable<IEvent> events, bool redact = false) =>
        events.OrderBy(e => e.Version).Select(e => Project(e, redact)).ToList();

    public static TimelineItem Project(IEvent e, bool redact = false)
    {
        var shown = redact ? Redaction.Event(e.Data, e.EventType) : e.Data;
        var described = shown as ITimelineEvent;
        return new TimelineItem(
            e.Version,
            described?.At ?? e.Timestamp,
            e.Timestamp,
            e.EventType.Name,
            described?.Actor ?? "system",
            described?.Describe() ?? e.EventType.Name,
            redact ? Redaction.Data(e.Data, e.EventType, redact) : e.Data);
    }
}
