using System.Text.Json;

namespace IncidentOrchestrator.Contracts;

/// <summary>The body of <c>POST /api/signals</c> (and one element of a batch).</summary>
public sealed record SubmitSignal(
    string? Source, string? Type, Severity? Severity, string? Fingerprint, string? Title,
    DateTimeOffset? ObservedAt, Dictionary<string, JsonElement>? Attributes);

/// <summary>The answer for one accepted signal: the incident it opened or joined, and the runs it started (<c>runIds</c> too, as before).</summary>
public sealed record SignalAccepted(Guid SignalId, Guid IncidentId, bool Correlated, IReadOnlyList<StartedRun> Runs)
{
    public IReadOnlyList<Guid> RunIds => [.. Runs.Select(r => r.RunId)];
}

/// <summary>A run a signal started, and the playbook it runs (unknown, null, in answers stored before they named it).</summary>
public sealed record StartedRun(Guid RunId, string? Playbook);
