using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Incidents;

/// <summary>A commander declared an incident by hand.</summary>
public sealed record IncidentDeclared(
    Guid IncidentId, string Title, Severity Severity, bool Restricted, string? Summary,
    string DeclaredBy, string DeclaredByName, DateTimeOffset DeclaredAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => DeclaredBy;
    DateTimeOffset ITimelineEvent.At => DeclaredAt;
    string ITimelineEvent.Describe() => $"{DeclaredByName} declared a {Severity.ToString().ToLowerInvariant()} incident: {Title}";
}

/// <summary>A detection signal with a fingerprint no open incident had opened this incident.</summary>
public sealed record IncidentDetected(
    Guid IncidentId, string Title, Severity Severity, string Fingerprint, Guid FirstSignalId,
    string Source, DateTimeOffset ObservedAt, string DetectedBy, DateTimeOffset DetectedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => DetectedBy;
    DateTimeOffset ITimelineEvent.At => DetectedAt;
    string ITimelineEvent.Describe() => $"Incident opened by a {Severity.ToString().ToLowerInvariant()} signal from {Source}: {Title}";
}

/// <summary>Need-to-know granted on the incident.</summary>
public sealed record ParticipantAdded(Guid IncidentId, string Subject, string AddedBy, DateTimeOffset AddedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => AddedBy;
    DateTimeOffset ITimelineEvent.At => AddedAt;
    string ITimelineEvent.Describe() => $"{Subject} was added as a participant";
}

public sealed record IncidentResolved(Guid IncidentId, string? Reason, string ResolvedBy, DateTimeOffset ResolvedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => ResolvedBy;
    DateTimeOffset ITimelineEvent.At => ResolvedAt;
    string ITimelineEvent.Describe() => Reason is null ? "Incident resolved" : $"Incident resolved: {Reason}";
}

public sealed record IncidentClosed(Guid IncidentId, string? Reason, string ClosedBy, DateTimeOffset ClosedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => ClosedBy;
    DateTimeOffset ITimelineEvent.At => ClosedAt;
    string ITimelineEvent.Describe() => Reason is null ? "Incident closed" : $"Incident closed: {Reason}";
}
