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
/// What an event says on the timeline, apart from where it stands in its stream and when it was appended: when it
/// happened (null when the event does not say, and the append time stands for it), its type, who, the sentence, and the data.
/// </summary>
public sealed record TimelineLine(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    DateTimeOffset? At, string Type, string Actor, string Summary, object Data);

/// <summary>
/// The timeline is a projection of the incident's stream: each event's line is made from the event itself, once when it
/// is appended (<see cref="StoredLine"/>), and again here for an event whose stored line cannot be shown (recorded before
/// lines were stored, redacted under other sensitive fields, not a line as written), so it can
/// never drift from the record it describes. Sensitive fields are redacted here, for viewers without need-to-know, in the
/// data and in the sentence that describes it.
/// </summary>
public static class TimelineProjection
{
    public static IReadOnlyList<TimelineItem> Project(IEnumerable<IEvent> events, bool redact = false) =>
        events.OrderBy(e => e.Version).Select(e => Project(e, redact)).ToList();

    public static TimelineItem Project(IEvent e, bool redact = false)
    {
        var line = Line(e.Data, e.EventType, redact);
        return new TimelineItem(e.Version, line.At ?? e.Timestamp, e.Timestamp, line.Type, line.Actor, line.Summary, line.Data);
    }

    /// <summary>
    /// The line an event makes, for a viewer who sees it whole or redacted. An event whose sentence cannot be made (a defect
    /// in its type) still makes one, named by its type and without its data for a redacted viewer: history is append-only,
    /// so a line that failed would fail every read of its incident for good.
    /// </summary>
    public static TimelineLine Line(object data, Type type, bool redact) => Line(data, type, redact, out _);

    /// <param name="failure">Why the sentence could not be made, when the line is the one named by its type.</param>
    public static TimelineLine Line(object data, Type type, bool redact, out Exception? failure)
    {
        failure = null;
        try
        {
            var shown = redact ? Redaction.Event(data, type) : data;
            var described = shown as ITimelineEvent;
            return new TimelineLine(described?.At, type.Name, described?.Actor ?? "system", described?.Describe() ?? type.Name,
                redact ? Redaction.Data(data, type, redact) : data);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = e;
            return new TimelineLine(null, type.Name, "system", $"{type.Name} (its sentence could not be made)",
                redact ? new Dictionary<string, object?>() : data);
        }
    }
}
