using System.Text.Json;
using IncidentOrchestrator.Playbooks.Planning;

namespace IncidentOrchestrator.Playbooks.Running;

/// <summary>
/// How each fact of a run changes its state: one method per kind of event, and nothing else changes it. The saga applies
/// its events through these as it appends them; a dry run and a replay apply the outcomes they assume or read.
/// </summary>
public static class RunFold
{
    public static void Started(this IRunState run, string stepId, int attempt, bool isAction, DateTimeOffset at,
        Dictionary<string, JsonElement>? read = null)
    {
        var step = Decided(run, stepId, read);
        step.Status = StepStatuses.Running;
        if (isAction) step.Attempts = attempt;
        if (attempt == 1 || step.StartedAt is null) step.StartedAt = at;
        step.NextAttemptAt = null;
        step.WaitingFor = null;
    }

    public static void Waiting(this IRunState run, string stepId, string what)
    {
        var step = run.Steps[stepId];
        step.Status = StepStatuses.Waiting;
        step.WaitingFor = what;
    }

    /// <summary>A step ended as it should: <paramref name="outcome"/> is its kind's (succeeded, approved, elapsed, signalled…).</summary>
    public static void Succeeded(this IRunState run, string stepId, string outcome, Dictionary<string, JsonElement> outputs, bool isAction,
        DateTimeOffset at)
    {
        var step = Ends(run, stepId, StepStatuses.Succeeded, outcome, at);
        step.Outputs = outputs;
        if (isAction && !run.Completed.Contains(stepId)) run.Completed.Add(stepId);
    }

    public static void AttemptFailed(this IRunState run, string stepId, string error)
    {
        var step = run.Steps[stepId];
        if (step.Status == StepStatuses.Running) step.Error = error; // an undo's failed attempt leaves the step's own record alone
    }

    public static void RetryScheduled(this IRunState run, string stepId, DateTimeOffset at) => run.Steps[stepId].NextAttemptAt = at;

    /// <summary>A step failed for good; on the <c>compensate</c> route the run starts undoing, in <see cref="RunDecider.UndoOrder"/>.</summary>
    public static void Failed(this IRunState run, Model.Playbook playbook, string stepId, string error, Model.FailureRoute route, DateTimeOffset at,
        Dictionary<string, JsonElement>? read = null)
    {
        Decided(run, stepId, read);
        Ends(run, stepId, StepStatuses.Failed, Outcomes.Failed, at).Error = error;
        if (route != Model.FailureRoute.Compensate) return;
        run.State = RunStates.Compensating;
        run.EndReason = RunDecider.CompensationReason(stepId);
        run.CompensationQueue = RunDecider.UndoOrder(playbook, run).ToList();
    }

    public static void Escalated(this IRunState run, string stepId, string error, Dictionary<string, JsonElement>? read = null)
    {
        var step = Decided(run, stepId, read);
        step.Status = StepStatuses.Waiting;
        step.Escalated = true;
        step.Error = error;
        step.WaitingFor = "the incident commander (retry or skip)";
    }

    /// <summary>
    /// The commander answered. A retried action that had run waits for its next attempt's start; any other retried step
    /// begins again from the start (its guard decided anew).
    /// </summary>
    public static void EscalationResolved(this IRunState run, Model.Step definition, string resolution)
    {
        var step = run.Steps[definition.Id];
        if (resolution == "retry" && !RunDecider.RetriesInPlace(definition, step)) step.Status = StepStatuses.Pending;
        step.Escalated = false;
        step.Resolution = resolution;
        step.WaitingFor = null;
    }

    public static void Skipped(this IRunState run, string stepId, bool byWhen, DateTimeOffset at, Dictionary<string, JsonElement>? read = null,
        bool needFailed = false)
    {
        Decided(run, stepId, read);
        Ends(run, stepId, StepStatuses.Skipped, Outcomes.Skipped, at).SkippedForFailedNeed = needFailed;
        if (byWhen) run.SkippedByWhen.Add(stepId);
    }

    public static void Cancelled(this IRunState run, string stepId, DateTimeOffset at)
    {
        Ends(run, stepId, StepStatuses.Cancelled, outcome: null, at); // nobody is asked about it any more
    }

    public static void Compensated(this IRunState run, string stepId)
    {
        var step = run.Steps[stepId];
        step.Status = StepStatuses.Compensated;
        step.Outcome = Outcomes.Compensated;
        run.CompensationQueue.Remove(stepId);
    }

    public static void CompensationFailedFor(this IRunState run, string stepId)
    {
        run.Steps[stepId].UndoFailed = true;
        run.CompensationFailed = true;
        run.CompensationQueue.Remove(stepId);
    }

    public static void Ended(this IRunState run, string status, string? reason, DateTimeOffset at)
    {
        run.State = status;
        run.EndReason = reason;
        run.EndedAt = at;
    }

    /// <summary>A decision on the step's <c>when</c> keeps what the guard read of the incident (the last decision's, after a retry).</summary>
    private static StepRun Decided(IRunState run, string stepId, Dictionary<string, JsonElement>? read)
    {
        var step = run.Steps[stepId];
        if (read is not null) step.IncidentRead = read;
        return step;
    }

    /// <summary>A step that ended waits for nothing and nobody any more.</summary>
    private static StepRun Ends(IRunState run, string stepId, string status, string? outcome, DateTimeOffset at)
    {
        var step = run.Steps[stepId];
        step.Status = status;
        if (outcome is not null) step.Outcome = outcome;
        step.EndedAt = at;
        step.WaitingFor = null;
        step.Escalated = false;
        return step;
    }
}
