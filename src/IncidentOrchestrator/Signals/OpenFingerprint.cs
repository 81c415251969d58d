namespace IncidentOrchestrator.Signals;

/// <summary>Which not-yet-ended incident a fingerprint's signals join. Id is the fingerprint.</summary>
public sealed class OpenFingerprint
{
    public string Id { get; set; } = "";
    public Guid IncidentId { get; set; }
}
