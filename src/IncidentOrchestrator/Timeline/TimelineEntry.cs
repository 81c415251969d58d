using System.Text.Json;

namespace IncidentOrchestrator.Timeline;

/// <summary>One line of an incident's timeline; <see cref="Sequence"/> is the event's position in the stream.</summary>
public sealed class TimelineEntry
{
    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public string Type { get; set; } = "";
    public string Actor { get; set; } = "";
    public string Summary { get; set; } = "";
    public JsonElement Data { get; set; }
}
