using System.Text.Json;

namespace IncidentOrchestrator.Contracts;

/// <summary>The body of <c>POST /api/incidents/{id}/runs</c>: a playbook and its inputs, typed as the playbook declares them.</summary>
public sealed record StartPlaybookRun(string? Playbook, Dictionary<string, JsonElement>? Inputs);

/// <summary>The answer to a run's start (202, with the run's address in <c>Location</c>).</summary>
public sealed record RunAccepted(Guid RunId);

/// <summary>The body of <c>POST /api/incidents/{id}/runs/{runId}/cancel</c>.</summary>
public sealed record CancelRunRequest(string? Reason);
