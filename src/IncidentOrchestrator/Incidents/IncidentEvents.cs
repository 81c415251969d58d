using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Incidents;

/// <summary>A commander declared an incident by hand.</summary>
public sealed record IncidentDeclared(
    Guid IncidentId, string Title, Severity Severity, bool Restricted, [property: Sensitive] string? Summary,
    string DeclaredBy, string DeclaredByName, DateTimeOffset DeclaredAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => DeclaredBy;
    DateTimeOffset ITimelineEvent.At => DeclaredAt;
    string ITimelineEvent.Describe() => $"{DeclaredByName} declared a {ApiJson.Name(Severity)} incident: {Title}";
}

/// <summary>
/// A detection signal with a fingerprint no open incident had opened this incident. It is
/// restricted when a playbook its signal triggers says incidents it declares are need-to-know.
/// </summary>
public sealed record IncidentDetected(
    Guid IncidentId, string Title, Severity Severity, bool Restricted, string Fingerprint, Guid FirstSignalId,
    string Source, DateTimeOffset ObservedAt, string DetectedBy, DateTimeOffset DetectedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => DetectedBy;
    DateTimeOffset ITimelineEvent.At => DetectedAt;
    string ITimelineEvent.Describe() => $"Incident opened by a {ApiJson.Name(Severity)} signal from {Source}: {Title}";
}

/// <summary>Need-to-know granted on the incident.</summary>
public sealed record ParticipantAdded(Guid IncidentId, string Subject, string AddedBy, DateTimeOffset AddedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => AddedBy;
    DateTimeOffset ITimelineEvent.At => AddedAt;
    string ITimelineEvent.Describe() => $"{Subject} was added as a participant";
}

public sealed record IncidentResolved(Guid IncidentId, [property: Sensitive] string? Reason, string ResolvedBy, DateTimeOffset ResolvedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => ResolvedBy;
    DateTimeOffset ITimelineEvent.At => ResolvedAt;
    string ITimelineEvent.Describe() => Reason is null ? "Incident resolved" : $"Incident resolved: {Reason}";
}

public sealed record IncidentClosed(Guid IncidentId, [property: Sensitive] string? Reason, string ClosedBy, DateTimeOffset ClosedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => ClosedBy;
    DateTimeOffset ITimelineEvent.At => ClosedAt;
    string ITimelineEvent.Describe() => Reason is null ? "Incident closed" : $"Incident closed: {Reason}";
}

/// <summary>Every containment step of the incident's runs has ended successfully.</summary>
public sealed record IncidentContained(Guid IncidentId, long SecondsToContain, Guid ByRun, DateTimeOffset ContainedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    DateTimeOffset ITimelineEvent.At => ContainedAt;
    string ITimelineEvent.Describe() => $"Incident contained {SecondsToContain} s after it was first observed";
}

public sealed record IncidentSeverityChanged(Guid IncidentId, Severity From, Severity Severity, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Severity changed from {ApiJson.Name(From)} to {ApiJson.Name(Severity)}";
}

public sealed record IncidentNoteAdded(Guid IncidentId, [property: Sensitive] string Note, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Note: {Note}";
}

public sealed record IncidentNotified(Guid IncidentId, [property: Sensitive] string Message, string? To, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => To is null ? $"Participants notified: {Message}" : $"{To} notified: {Message}";
}
