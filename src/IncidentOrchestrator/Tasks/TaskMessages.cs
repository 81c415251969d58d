using System.Text.Json;

namespace IncidentOrchestrator.Tasks;

/// <summary>A run's task step began: open its task.</summary>
/// <param name="Decisions">When set, the task is completed with an output <c>decision</c> that must be one of these.</param>
public sealed record OpenTask(Guid IncidentId, Guid RunId, string StepId, string Title, string? Instructions, string AssignedAs,
    string? EscalateTo, List<string> Outputs, TimeSpan? AckWithin, TimeSpan? DueWithin, List<string>? Decisions = null,
    Dictionary<string, Playbooks.Model.InputType>? OutputTypes = null, string Subject = Playbooks.Model.Subjects.Incident);

public sealed record TaskAckDue(Guid TaskId);

public sealed record TaskDue(Guid TaskId);

