using System.Text.Json;
using Wolverine.Persistence.Sagas;

namespace IncidentOrchestrator.Runs;

// Every message names its run in the body: a saga created in the same transaction has no header to go by.

/// <summary>A message one run handles; messages of one run are processed one at a time.</summary>
public interface IRunMessage
{
    Guid RunId { get; }
}

/// <summary>Begins a run whose document was created (requested) in the transaction that accepted it.</summary>
public sealed record StartRun([property: SagaIdentity] Guid RunId) : IRunMessage;

public sealed record RetryStep([property: SagaIdentity] Guid RunId, string StepId, int Attempt) : IRunMessage;

public sealed record WaitElapsed([property: SagaIdentity] Guid RunId, string StepId) : IRunMessage;

public sealed record SignalArrived([property: SagaIdentity] Guid RunId, string StepId, Guid SignalId, string SignalType) : IRunMessage;

public sealed record ChildRunEnded([property: SagaIdentity] Guid RunId, string StepId, Guid ChildRunId, string Status) : IRunMessage;

public sealed record CancelRun([property: SagaIdentity] Guid RunId, string? Reason, string By) : IRunMessage;

/// <summary>The commander's answer to an escalated step: <c>retry</c> or <c>skip</c>.</summary>
public sealed record ResolveEscalation([property: SagaIdentity] Guid RunId, string StepId, string Resolution, string By) : IRunMessage;

/// <summary>An action attempt ended. <see cref="Compensation"/> marks the undo of a step rather than the step itself.</summary>
public sealed record ActionAttemptEnded(
    [property: SagaIdentity] Guid RunId, string StepId, int Attempt, bool Compensation, bool Succeeded,
    Dictionary<string, JsonElement> Outputs, string? Error, bool TimedOut, List<Actions.RecordedIncidentEvent>? IncidentEvents = null) : IRunMessage;

/// <summary>A person ended a task or approval step: <c>succeeded</c>, <c>approved</c> or <c>rejected</c>.</summary>
public sealed record HumanStepEnded([property: SagaIdentity] Guid RunId, string StepId, string Outcome,
    Dictionary<string, JsonElement> Outputs, string By) : IRunMessage;

/// <summary>The run ended: each slice with open work for it (tasks, approvals) cancels that work.</summary>
/// <summary>
/// The run ended (or, with <paramref name="StepId"/>, that step was settled): its open tasks and approvals are cancelled,
/// those opened up to <paramref name="OpenedBefore"/> when it is given (a later escalation of the same step is new work).
/// </summary>
public sealed record RunWorkClosed(Guid RunId, string? StepId = null, DateTimeOffset? OpenedBefore = null);
