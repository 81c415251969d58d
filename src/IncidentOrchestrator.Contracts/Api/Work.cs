using System.Text.Json;

namespace IncidentOrchestrator.Contracts;

/// <summary>The body of <c>POST /api/tasks/{id}/complete</c>: the outputs the task asks for, typed as it declares them, and notes.</summary>
public sealed record CompleteTask(Dictionary<string, JsonElement>? Outputs, string? Notes);

/// <summary>The body of <c>POST /api/approvals/{id}/decision</c>: <c>approve</c> or <c>reject</c>, and a comment.</summary>
public sealed record Decide(string? Decision, string? Comment);
