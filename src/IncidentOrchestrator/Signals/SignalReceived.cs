using System.Text.Json;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Signals;

/// <summary>A detection signal joined the incident (the first one too).</summary>
public sealed record SignalReceived(
    Guid SignalId, Guid IncidentId, string Source, string Type, Severity Severity, string Fingerprint, string Title,
    DateTimeOffset ObservedAt, [property: Sensitive] Dictionary<string, JsonElement> Attributes, bool Correlated,
    string ReceivedFrom, DateTimeOffset ReceivedAt) : ITimelineEvent
{
    string ITimelineEvent.Actor => ReceivedFrom;
    DateTimeOffset ITimelineEvent.At => ReceivedAt;
    string ITimelineEvent.Describe() => $"{(Correlated ? "Correlated" : "First")} {ApiJson.Name(Severity)} signal {Type} from {Source}: {Title}";
}
