using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;

namespace IncidentOrchestrator.Runs;

/// <summary>What happens when a step has failed for good: its onFailure route, and compensation.</summary>
public sealed partial class PlaybookRun
{
    public const string Escalation = "role:commander";

    public static readonly string[] EscalationDecisions = ["retry", "skip", "abort"];

    private void FailStep(Playbook playbook, Turn turn, Step step, string error)
    {
        var state = Steps[step.Id];
        state.Error = error;
        var attempts = Math.Max(state.Attempts, 1);
        var route = step.OnFailure;

        if (route == FailureRoute.Escalate)
        {
            state.Status = StepStatuses.Waiting;
            state.Escalated = true;
            state.WaitingFor = "the incident commander (retry or skip)";
            Append(turn, new StepEscalated(Id, step.Id, error, Escalation, turn.Now));
            // The commander's task: completing it with a decision resolves the step, as POST …/retry, …/skip or …/cancel do.
            OpenedPeopleWork = true;
            turn.Outgoing.Add(new Tasks.OpenTask(IncidentId, Id, step.Id, $"Step {step.Id} of {Playbook} failed: retry it, skip it or abort the run",
                $"It failed after {attempts} attempt(s): {error}. Complete this task with the output decision = {string.Join(", ", EscalationDecisions)}.",
                Escalation, EscalateTo: null, Outputs: ["decision"], AckWithin: null, DueWithin: null, Decisions: [.. EscalationDecisions]));
            return;
        }

        state.Status = StepStatuses.Failed;
        state.Outcome = Outcomes.Failed;
        state.EndedAt = turn.Now;
        Append(turn, new StepFailed(Id, step.Id, step.Phase, attempts, error, route.ToString().ToLowerInvariant(), turn.Now));

        switch (route)
        {
            case FailureRoute.Fail:
                End(turn, RunStates.Failed, $"step {step.Id} failed: {error}");
                break;
            case FailureRoute.Compensate:
                BeginCompensation(playbook, turn, step.Id);
                break;
            // Continue: the run goes on; the caller advances it.
        }
    }

    private void BeginCompensation(Playbook playbook, Turn turn, string failedStep)
    {
        foreach (var (id, other) in Steps.Where(s => s.Value.Status is StepStatuses.Running or StepStatuses.Waiting or StepStatuses.Pending))
        {
            if (other.Status == StepStatuses.Waiting) turn.Session.Delete<SignalWait>(SignalWait.KeyFor(Id, id));
            other.Status = StepStatuses.Cancelled;
            other.EndedAt = turn.Now;
            Append(turn, new StepCancelled(Id, id, turn.Now));
        }
        State = RunStates.Compensating;
        EndReason = $"step {failedStep} failed";
        CompensationQueue = Completed.AsEnumerable().Reverse().Where(id => playbook.Step(id)?.Compensate is not null).ToList();
        CompensateNext(playbook, turn);
    }

    private void CompensateNext(Playbook playbook, Turn turn)
    {
        if (CompensationQueue.Count == 0)
        {
            State = RunStates.Running; // End() sets the final state
            End(turn, CompensationFailed ? RunStates.Failed : RunStates.Compensated,
                CompensationFailed ? $"{EndReason}; an undo failed" : EndReason);
            return;
        }
        var step = playbook.Step(CompensationQueue[0])!;
        Dispatch(playbook, turn, step, step.Compensate!, RunScope.ForUndo(this), attempt: 1, compensation: true);
    }

    private void CompensationEnded(Playbook playbook, Turn turn, string stepId, int attempt, bool succeeded, string? error)
    {
        var step = playbook.Step(stepId)!;
        var retry = step.Retry ?? playbook.Defaults.Retry ?? RetryPolicy.None;
        if (!succeeded && attempt < retry.Attempts)
        {
            Append(turn, new StepAttemptFailed(Id, stepId, attempt, $"undo with {step.Compensate!.Action}: {error}", false, turn.Now));
            Dispatch(playbook, turn, step, step.Compensate!, RunScope.ForUndo(this), attempt + 1, compensation: true,
                delay: retry.DelayBefore(attempt + 1));
            return;
        }
        CompensationQueue.Remove(stepId);
        if (succeeded)
        {
            Steps[stepId].Status = StepStatuses.Compensated;
            Steps[stepId].Outcome = Outcomes.Compensated;
            Append(turn, new StepCompensated(Id, stepId, step.Compensate!.Action, turn.Now));
        }
        else
        {
            CompensationFailed = true;
            Append(turn, new StepCompensationFailed(Id, stepId, step.Compensate!.Action, error ?? "failed", turn.Now));
        }
        CompensateNext(playbook, turn);
    }
}
