using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;

namespace IncidentOrchestrator.Playbooks.Running;

/// <summary>
/// The rules of a run, once: which step goes next and how (needs, <c>when</c>), what a failure does (retries, the
/// <c>onFailure</c> route, escalation), the order of undos, how a commander's answer and a cancellation act, and how the
/// run ends. Pure: it reads the pinned playbook and the run's folded state and returns <see cref="RunDecision"/>s. The saga
/// records and performs them; the dry run and the replay record them with assumed or recorded outcomes, so the three
/// cannot disagree.
/// </summary>
public static class RunDecider
{
    public const string Escalation = "role:commander";

    public static readonly string[] EscalationAnswers = ["retry", "skip", "abort"];

    public static RetryPolicy RetryOf(Playbook playbook, Step step) => step.Retry ?? playbook.Defaults.Retry ?? RetryPolicy.None;

    public static bool HasEnded(IRunState run) => RunStates.Ended.Contains(run.State);

    /// <summary>
    /// The decisions for the first step (in the playbook's order) whose needs have all ended and that has not begun, or the
    /// run's successful end once every step has ended; empty when the run waits (for a step, a person or a timer), is
    /// compensating, or has ended. Record them and ask again until empty.
    /// </summary>
    /// <param name="scope">What the step's <c>when</c> sees now; asked only when there is one to read.</param>
    public static IReadOnlyList<RunDecision> Next(Playbook playbook, IRunState run, Func<Step, ValueScope> scope)
    {
        if (HasEnded(run) || run.State == RunStates.Compensating) return [];
        foreach (var step in playbook.Steps)
        {
            if (run.Steps[step.Id].Status != StepStatuses.Pending || !step.Needs.All(n => run.Steps[n.StepId].HasEnded)) continue;
            var needs = (string id) => new StepDecision.NeedEnd(run.Steps[id].Outcome, run.SkippedByWhen.Contains(id));
            var seen = step.When is null ? Unread : scope(step);
            var decision = StepDecision.For(step, needs, seen);
            // What the guard read, when it was read at all (a failed or when-skipped need decides before it).
            var read = decision is StepDecision.Skip { ByWhen: false } ? null : IncidentFactsRead.Of(step, seen);
            return decision switch
            {
                StepDecision.Skip skip => [new RunDecision.SkipStep(step, skip.Reason, skip.ByWhen, "system", read, skip.NeedFailed)],
                StepDecision.Fail fail => Failure(playbook, run, step, fail.Reason, read),
                _ => [new RunDecision.StartStep(step, 1, read)],
            };
        }
        // Failures that continued are on the timeline; the run itself went through.
        return run.Steps.Values.All(s => s.HasEnded) ? [new RunDecision.EndRun(RunStates.Succeeded, null)] : [];
    }

    private static readonly ValueScope Unread = new();

    /// <summary>An action's attempt failed (its failure is recorded): retry it after the policy's delay, or it has failed for good.</summary>
    public static IReadOnlyList<RunDecision> AfterFailedAttempt(Playbook playbook, IRunState run, Step step, int attempt, string error)
    {
        var retry = RetryOf(playbook, step);
        return attempt < retry.Attempts
            ? [new RunDecision.RetryStep(step, attempt + 1, retry.DelayBefore(attempt + 1))]
            : Failure(playbook, run, step, error);
    }

    /// <summary>
    /// A retry's time came: the attempt it was scheduled for starts while the step still waits for it; nothing once the run
    /// ended, or the step was cancelled, answered or tried again meanwhile.
    /// </summary>
    public static IReadOnlyList<RunDecision> RetryDue(IRunState run, Step step, int attempt) =>
        IsCurrentAttempt(run, step.Id, attempt - 1) ? [new RunDecision.StartStep(step, attempt)] : [];

    /// <summary>
    /// The step's attempt <paramref name="attempt"/> is the one under way, in a run that goes on: its result counts, its retry
    /// is due. A result or a timer for any other is late, and changes nothing.
    /// </summary>
    public static bool IsCurrentAttempt(IRunState run, string stepId, int attempt) =>
        !HasEnded(run) && run.Steps.GetValueOrDefault(stepId) is { Status: StepStatuses.Running } state && state.Attempts == attempt;

    /// <summary>A step failed for good (its attempts spent, its guard unreadable, its child run failed): its <c>onFailure</c> route.</summary>
    /// <param name="read">What its guard read of the incident, when the failure is the decision on it (it never started).</param>
    public static IReadOnlyList<RunDecision> Failure(Playbook playbook, IRunState run, Step step, string error, IncidentFactsRead? read = null)
    {
        var attempts = Math.Max(run.Steps[step.Id].Attempts, 1);
        if (step.OnFailure == FailureRoute.Escalate) return [new RunDecision.EscalateStep(step, error, attempts, read)];

        List<RunDecision> decisions = [new RunDecision.FailStep(step, error, attempts, step.OnFailure, read)];
        var others = OpenSteps(run).Where(id => id != step.Id);
        switch (step.OnFailure)
        {
            case FailureRoute.Fail:
                decisions.AddRange(others.Select(id => new RunDecision.CancelStep(id)));
                decisions.Add(new RunDecision.EndRun(RunStates.Failed, $"step {step.Id} failed: {error}"));
                break;
            case FailureRoute.Compensate:
                decisions.AddRange(others.Select(id => new RunDecision.CancelStep(id)));
                decisions.Add(NextUndo(playbook, UndoOrder(playbook, run).ToList(), compensationFailed: false, CompensationReason(step.Id)));
                break;
            // Continue: the run goes on past it.
        }
        return decisions;
    }

    /// <summary>Why a run compensates, and so how it ends.</summary>
    public static string CompensationReason(string failedStep) => $"step {failedStep} failed";

    /// <summary>The undos a compensation runs: the succeeded actions that declare one, the last to succeed first.</summary>
    public static IEnumerable<string> UndoOrder(Playbook playbook, IRunState run) =>
        run.Completed.AsEnumerable().Reverse().Where(id => playbook.Step(id)?.Compensate is not null);

    /// <summary>The undo under way ended; <paramref name="attempt"/> failed ones are retried by the step's retry policy.</summary>
    public static IReadOnlyList<RunDecision> AfterUndo(Playbook playbook, IRunState run, Step step, int attempt, bool succeeded, string? error)
    {
        var retry = RetryOf(playbook, step);
        if (!succeeded && attempt < retry.Attempts)
            return [new RunDecision.UndoAttemptFailed(step, attempt, error ?? "failed"), new RunDecision.UndoStep(step, attempt + 1, retry.DelayBefore(attempt + 1))];
        var rest = run.CompensationQueue.Where(id => id != step.Id).ToList();
        return [new RunDecision.UndoEnded(step, succeeded, error), NextUndo(playbook, rest, run.CompensationFailed || !succeeded, run.EndReason)];
    }

    /// <summary>
    /// An undo fails for good whatever its retry policy: its parameters cannot be rendered (another attempt would render the
    /// same), or, in a replay, the record has it failing so.
    /// </summary>
    public static IReadOnlyList<RunDecision> UndoFailedForGood(Playbook playbook, IRunState run, Step step, string error) =>
        AfterUndo(playbook, run, step, RetryOf(playbook, step).Attempts, succeeded: false, error);

    private static RunDecision NextUndo(Playbook playbook, IReadOnlyList<string> queue, bool compensationFailed, string? reason) =>
        queue.Count > 0
            ? new RunDecision.UndoStep(playbook.Step(queue[0])!, 1, TimeSpan.Zero)
            : compensationFailed
                ? new RunDecision.EndRun(RunStates.Failed, $"{reason}; an undo failed")
                : new RunDecision.EndRun(RunStates.Compensated, reason);

    /// <summary>
    /// The commander's answer to an escalated step. <c>retry</c> starts an action that had run on its next attempt (any other
    /// step begins again when the run next advances: <see cref="RetriesInPlace"/>); <c>skip</c> skips it; <c>abort</c> cancels
    /// the run. An answer to a step that no longer waits for one, or in a run that compensates or has ended, changes nothing.
    /// </summary>
    public static IReadOnlyList<RunDecision> Resolve(Playbook playbook, IRunState run, Step step, string resolution, string by)
    {
        if (!AwaitsAnswer(run, step.Id)) return [];
        var state = run.Steps[step.Id];
        IReadOnlyList<RunDecision> then = resolution switch
        {
            "abort" => Cancel(run, $"aborted by {by} after step {step.Id} failed", by),
            "skip" => [new RunDecision.SkipStep(step, $"skipped by {by} after escalation", ByWhen: false, by)],
            "retry" when RetriesInPlace(step, state) => [new RunDecision.StartStep(step, state.Attempts + 1)],
            "retry" => [], // it begins again, guard first, when the run next advances
            _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, $"an answer is one of {string.Join(", ", EscalationAnswers)}"),
        };
        return [new RunDecision.EscalationAnswered(step, resolution, by), .. then];
    }

    /// <summary>The step waits for the commander's answer, in a run that still goes forward.</summary>
    public static bool AwaitsAnswer(IRunState run, string stepId) =>
        !HasEnded(run) && run.State != RunStates.Compensating && run.Steps.GetValueOrDefault(stepId) is { Escalated: true };

    /// <summary>A retried step goes on with its next attempt when it is an action that ran; any other begins again, guard first.</summary>
    public static bool RetriesInPlace(Step step, StepRun state) => step.Kind is ActionCall && state.Attempts > 0;

    /// <summary>People stop the run: every step that has not ended is cancelled.</summary>
    public static IReadOnlyList<RunDecision> Cancel(IRunState run, string? reason, string by) =>
    [
        new RunDecision.CancelRequested(reason, by),
        .. OpenSteps(run).Select(id => new RunDecision.CancelStep(id)),
        new RunDecision.EndRun(RunStates.Cancelled, reason ?? $"cancelled by {by}"),
    ];

    private static IEnumerable<string> OpenSteps(IRunState run) => run.Steps.Where(s => !s.Value.HasEnded).Select(s => s.Key).ToList();
}
