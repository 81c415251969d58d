using System.Text.Json;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Runs;

/// <summary>Every event of a run carries its run; they all live on the incident's stream.</summary>
public interface IRunEvent : ITimelineEvent
{
    Guid RunId { get; }
}

/// <summary>An event about one step of a run.</summary>
public interface IStepEvent : IRunEvent
{
    string StepId { get; }
}

public sealed record PlaybookRunStarted(
    Guid IncidentId, Guid RunId, string Playbook, string PlaybookHash, [property: Sensitive] Dictionary<string, JsonElement> Inputs,
    IReadOnlyList<string> ContainmentSteps, Guid? SignalId, Guid? ParentRunId, string? ParentStepId,
    string StartedBy, DateTimeOffset StartedAt) : IRunEvent
{
    string ITimelineEvent.Actor => StartedBy;
    DateTimeOffset ITimelineEvent.At => StartedAt;
    string ITimelineEvent.Describe() => ParentRunId is null
        ? $"Playbook {Playbook} started (hash {PlaybookHash[..12]})"
        : $"Playbook {Playbook} started as a child run for step {ParentStepId}";
}

/// <summary>A trigger matched but the run could not start, for example for want of a required input.</summary>
public sealed record PlaybookRunNotStarted(Guid IncidentId, string Playbook, Dictionary<string, string> Problems, Guid? SignalId,
    DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Playbook {Playbook} was not started: {string.Join("; ", Problems.Values)}";
}

public sealed record StepStarted(Guid RunId, string StepId, string Kind, string? Phase, int Attempt, string? Action, DateTimeOffset At,
    [property: Sensitive] Dictionary<string, JsonElement>? IncidentRead = null) : IStepEvent, ISystemEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => Action is null ? $"Step {StepId} started" : $"Step {StepId} attempt {Attempt}: {Action}";
}

/// <summary>
/// A step that ran inside the run's own turn and ended there: its start and its result in one event (one row, one link
/// of the chain) where an executor's step records <see cref="StepStarted"/> and its result apart.
/// </summary>
public sealed record StepRan(Guid RunId, string StepId, string Kind, string? Phase, int Attempt, string Action, string Outcome,
    [property: Sensitive] Dictionary<string, JsonElement> Outputs, DateTimeOffset At, [property: Sensitive] Dictionary<string, JsonElement>? IncidentRead = null) : IStepEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Step {StepId} ran {Action}: {Outcome}";
}

public sealed record StepWaiting(Guid RunId, string StepId, string For, DateTimeOffset? Until, DateTimeOffset At) : IStepEvent, ISystemEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Step {StepId} waits for {For}";
}

/// <param name="ByWhen">Skipped by its own <c>when</c> (such a skip travels to the steps that need it); false on events recorded before it was kept.</param>
/// <param name="NeedFailed">Skipped because a step it needs failed: a containment step so skipped leaves the incident uncontained
/// (<see cref="Playbooks.Running.StepStatuses.DidItsPart"/>); false on events recorded before it was kept.</param>
public sealed record StepSkipped(Guid RunId, string StepId, string? Phase, string Reason, string By, DateTimeOffset At, bool ByWhen = false,
    [property: Sensitive] Dictionary<string, JsonElement>? IncidentRead = null, bool NeedFailed = false) : IStepEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Step {StepId} skipped: {Reason}";
}

public sealed record StepSucceeded(Guid RunId, string StepId, string? Phase, int Attempt, string Outcome,
    [property: Sensitive] Dictionary<string, JsonElement> Outputs, DateTimeOffset At) : IStepEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Step {StepId} ended {Outcome}";
}

public sealed record StepAttemptFailed(Guid RunId, string StepId, int Attempt, string Error, bool TimedOut, DateTimeOffset At) : IStepEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Step {StepId} attempt {Attempt} {(TimedOut ? "timed out" : "failed")}: {Error}";
}

public sealed record StepRetryScheduled(Guid RunId, string StepId, int NextAttempt, DateTimeOffset RetryAt, DateTimeOffset At) : IStepEvent, ISystemEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Step {StepId} will retry (attempt {NextAttempt}) at {RetryAt:O}";
}

public sealed record StepFailed(Guid RunId, string StepId, string? Phase, int Attempts, string Error, string Route, DateTimeOffset At,
    [property: Sensitive] Dictionary<string, JsonElement>? IncidentRead = null) : IStepEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Step {StepId} failed after {Attempts} attempt(s): {Error} (onFailure: {Route})";
}

public sealed record StepEscalated(Guid RunId, string StepId, string Error, string EscalatedTo, DateTimeOffset At,
    [property: Sensitive] Dictionary<string, JsonElement>? IncidentRead = null) : IStepEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Step {StepId} escalated to {EscalatedTo}: {Error}";
}

/// <summary>The commander answered an escalation: <c>retry</c> or <c>skip</c>.</summary>
public sealed record StepEscalationResolved(Guid RunId, string StepId, string Resolution, string By, DateTimeOffset At) : IStepEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Escalated step {StepId}: {Resolution}";
}

/// <param name="Phase">The step's phase: a containment step undone no longer counts toward the incident's containment; null on events recorded before it was kept.</param>
public sealed record StepCompensated(Guid RunId, string StepId, string Action, DateTimeOffset At, string? Phase = null) : IStepEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Step {StepId} undone by {Action}";
}

public sealed record StepCompensationFailed(Guid RunId, string StepId, string Action, string Error, DateTimeOffset At) : IStepEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Undoing step {StepId} with {Action} failed: {Error}";
}

public sealed record StepCancelled(Guid RunId, string StepId, DateTimeOffset At) : IStepEvent, ISystemEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Step {StepId} cancelled";
}

public sealed record PlaybookRunCancelRequested(Guid RunId, [property: Sensitive] string? Reason, string By, DateTimeOffset At) : IRunEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => Reason is null ? "Run cancellation requested" : $"Run cancellation requested: {Reason}";
}

/// <summary>The run is over: <see cref="Status"/> is succeeded, failed, compensated or cancelled.</summary>
public sealed record PlaybookRunEnded(Guid IncidentId, Guid RunId, string Playbook, string Status, string? Reason, DateTimeOffset At) : IRunEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => Reason is null ? $"Playbook {Playbook} ended {Status}" : $"Playbook {Playbook} ended {Status}: {Reason}";
}
