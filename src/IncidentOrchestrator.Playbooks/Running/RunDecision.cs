using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Playbooks.Running;

/// <summary>
/// What a run does next, as the <see cref="RunDecider"/> says: each is one fact to record (and, in a real run, the work
/// that goes with it). The saga records and performs them; a dry run and a replay only record them.
/// </summary>
/// <remarks>
/// A decision taken on a <c>when</c> that reads <c>incident.*</c> carries the facts it read (<see cref="IncidentFactsRead"/>): the
/// incident moves on (a step raises its severity, a person closes it), and a replay must read what the run read then.
/// </remarks>
public abstract record RunDecision
{
    /// <summary>Start the step (an action's attempt, a wait, a task, an approval, a child run).</summary>
    public sealed record StartStep(Step Step, int Attempt, IncidentFactsRead? Read = null) : RunDecision;

    /// <param name="NeedFailed">Skipped because a step it needs failed (<see cref="StepRun.DidItsPart"/>).</param>
    public sealed record SkipStep(Step Step, string Reason, bool ByWhen, string By, IncidentFactsRead? Read = null, bool NeedFailed = false) : RunDecision;

    /// <summary>Hand the failed step to the incident commander, who retries it, skips it or aborts the run.</summary>
    public sealed record EscalateStep(Step Step, string Error, int Attempts, IncidentFactsRead? Read = null) : RunDecision;

    /// <summary>The step failed for good, and its <see cref="Route"/> says what the run does about it.</summary>
    public sealed record FailStep(Step Step, string Error, int Attempts, FailureRoute Route, IncidentFactsRead? Read = null) : RunDecision;

    /// <summary>Try a failed action again after <see cref="Delay"/>.</summary>
    public sealed record RetryStep(Step Step, int Attempt, TimeSpan Delay) : RunDecision;

    /// <summary>Run the step's undo (its <c>compensate</c> action), after <see cref="Delay"/> when it is a retry.</summary>
    public sealed record UndoStep(Step Step, int Attempt, TimeSpan Delay) : RunDecision;

    /// <summary>An undo's attempt failed and another will follow.</summary>
    public sealed record UndoAttemptFailed(Step Step, int Attempt, string Error) : RunDecision;

    /// <summary>The step's undo ended for good: it succeeded (the step is compensated), or failed.</summary>
    public sealed record UndoEnded(Step Step, bool Succeeded, string? Error) : RunDecision;

    /// <summary>The commander answered an escalated step (<c>retry</c>, <c>skip</c> or <c>abort</c>); what the answer does follows.</summary>
    public sealed record EscalationAnswered(Step Step, string Resolution, string By) : RunDecision;

    public sealed record CancelRequested(string? Reason, string By) : RunDecision;

    /// <summary>A step that had not ended is cancelled: the run ends, or compensates, without it.</summary>
    public sealed record CancelStep(string StepId) : RunDecision;

    public sealed record EndRun(string Status, string? Reason) : RunDecision;
}
