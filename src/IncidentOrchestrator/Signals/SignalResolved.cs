using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Signals;

/// <summary>The monitoring that sent a fingerprint's signals says the condition is over (an alert resolved).</summary>
public sealed record SignalResolved(Guid IncidentId, string Fingerprint, string Source, DateTimeOffset? ResolvedAt, string By, DateTimeOffset At)
    : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"{Source} says {Fingerprint} resolved";
}

/// <summary>The monitoring that sent a fingerprint's signals says someone there acknowledged it.</summary>
public sealed record SignalAcknowledgedAtSource(Guid IncidentId, string Fingerprint, string Source, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"{Source} says {Fingerprint} was acknowledged there";
}

/// <summary>
/// Every fingerprint of the incident has resolved at its source. Said, not acted on: the incident stays as it is until
/// people resolve it.
/// </summary>
public sealed record IncidentSignalsAllResolved(Guid IncidentId, int Fingerprints, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() =>
        $"All {Fingerprints} fingerprint(s) of the incident have resolved at their source; the incident stays open until people resolve it";
}

/// <summary>What the monitoring says about a fingerprint it sent: <c>resolved</c> or <c>acknowledged</c>.</summary>
public sealed record SignalStatusChange(string Fingerprint, string Source, string Status, DateTimeOffset? ResolvedAt);

/// <summary>What became of one status change: the incident it was recorded on, or none open for its fingerprint.</summary>
public sealed record SignalStatusRecorded(string Fingerprint, string Status, Guid? IncidentId, bool AllResolved);

/// <summary>
/// An event from outside (a CloudEvent's source and id) that became a signal: its retries find it and get the same answer.
/// </summary>
public sealed class SignalReceipt
{
    public string Id { get; set; } = "";
    public Guid SignalId { get; set; }
    public Guid IncidentId { get; set; }
    public bool Correlated { get; set; }
    public List<StartedRun> Runs { get; set; } = [];

    /// <summary>What receipts written before runs carried their playbook held; read, never written.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<Guid>? RunIds { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public SignalAccepted Accepted() => new(SignalId, IncidentId, Correlated, Runs.Count > 0 || RunIds is null ? Runs : [.. RunIds.Select(id => new StartedRun(id, null))]);
}
