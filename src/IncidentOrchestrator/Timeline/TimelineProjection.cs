using System.Text.Json;
using IncidentOrchestrator.Hosting;
using JasperFx.Events;

namespace IncidentOrchestrator.Timeline;

/// <summary>One line of an incident's timeline; <see cref="Sequence"/> is the event's position in its stream.</summary>
public sealed record TimelineItem(long Sequence, DateTimeOffset At, string Type, string Actor, string Summary, JsonElement Data);

/// <summary>
/// The timeline is a live projection of the incident's stream: it is computed from the events
/// themselves at read time, so it can never drift from the record it describes and costs no
/// second write per event.
/// </summary>
public static class TimelineProjection
{
    private static readonly JsonSerializerOptions DataJson = JsonConfiguration.Create();

    public static IReadOnlyList<TimelineItem> Project(IEnumerable<IEvent> events) =>
        events.OrderBy(e => e.Version).Select(Project).ToList();

    public static TimelineItem Project(IEvent e)
    {
        var described = e.Data as ITimelineEvent;
        return new TimelineItem(
            e.Version,
            described?.At ?? e.Timestamp,
            e.EventType.Name,
            described?.Actor ?? "system",
            described?.Describe() ?? e.EventType.Name,
            JsonSerializer.SerializeToElement(e.Data, e.EventType, DataJson));
    }
}
