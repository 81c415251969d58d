using System.Text.Json;

namespace IncidentOrchestrator.Contracts;

/// <summary>The body of <c>POST /api/incidents/{id}/runs</c>: a playbook and its inputs, typed as the playbook declares them.</summary>
public sealed record StartPlaybookRun(string? Playbook, Dictionary<string, JsonElement>? Inputs);

/// <summary>The answer to a run's start (202, with the run's address in <c>Location</c>).</summary>
public sealed record RunAccepted(Guid RunId);

/// <summary>A step of a run as the API shows it; a restricted incident's outputs are redacted for those who may not read them.</summary>
public sealed record RunStepView(string Id, string Status, string? Outcome, int Attempts, DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt, Dictionary<string, JsonElement> Outputs, string? Error, bool Escalated, string? WaitingFor, DateTimeOffset? NextAttemptAt);

/// <summary>A run as <c>GET /api/incidents/{id}/runs/{runId}</c> answers it, its steps in the playbook's order.</summary>
public sealed record RunView(Guid RunId, Guid IncidentId, string Playbook, string PlaybookHash, string Status, string? Reason,
    DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string StartedBy, Guid? ParentRunId, IReadOnlyList<RunStepView> Steps);

/// <summary>The body of <c>POST /api/incidents/{id}/runs/{runId}/cancel</c>.</summary>
public sealed record CancelRunRequest(string? Reason);
