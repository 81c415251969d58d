using System.Text.Json;
using IncidentOrchestrator.Security;
using JasperFx.Events;

namespace IncidentOrchestrator.Timeline;

/// <summary>One line of an incident's timeline; <see cref="Sequence"/> is the event's position in its stream.</summary>
public sealed record TimelineItem(long Sequence, DateTimeOffset At, string Type, string Actor, string Summary, JsonElement Data);

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
            e.EventType.Name,
            described?.Actor ?? "system",
            described?.Describe() ?? e.EventType.Name,
            Redaction.Data(e.Data, e.EventType, redact));
    }
}
