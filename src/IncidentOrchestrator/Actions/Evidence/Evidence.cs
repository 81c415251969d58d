using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Actions.Evidence;

/// <summary>
/// Rows copied from a system into the incident. <see cref="Content"/> is the exact JSON text the
/// SHA-256 is of (kept as text: stored JSON would have its keys reordered), so anyone can check it.
/// </summary>
public sealed class EvidenceItem
{
    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }
    public Guid RunId { get; set; }
    public string StepId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Connection { get; set; } = "";
    public string Query { get; set; } = "";
    public List<string> Columns { get; set; } = [];
    public string Content { get; set; } = "";
    public int RowCount { get; set; }
    public bool Truncated { get; set; }
    public string Sha256 { get; set; } = "";
    public DateTimeOffset CapturedAt { get; set; }
}

public sealed record EvidenceCaptured(Guid IncidentId, Guid EvidenceId, string Name, int RowCount, bool Truncated, string Sha256,
    string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Evidence captured: {Name} ({RowCount} rows{(Truncated ? ", truncated" : "")}, sha256 {Sha256[..12]})";
}
