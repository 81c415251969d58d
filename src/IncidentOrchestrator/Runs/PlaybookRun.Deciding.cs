using System.Text.Json;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Running;
using D = IncidentOrchestrator.Playbooks.Running.RunDecision;

namespace IncidentOrchestrator.Runs;

/// <summary>The run's two halves: folding its events into its state, and performing what the decider decided.</summary>
public sealed partial class PlaybookRun
{
    /// <summary>How each event of this run changes its state: through <see cref="RunFold"/>, the same fold a plan and a replay use.</summary>
    private void Fold(Playbook playbook, object @event)
    {
        bool IsAction(string stepId) => playbook.Step(stepId)?.Kind is ActionCall;
        switch (@event)
        {
            case PlaybookRunStarted:
                Started = true;
                break;
            case StepStarted e:
                RunFold.Started(this, e.StepId, e.Attempt, IsAction(e.StepId), e.At, e.IncidentRead);
                if (e.Kind is "task" or "approval") OpenedPeopleWork = true;
                break;
            case StepRan e:
                RunFold.Started(this, e.StepId, e.Attempt, isAction: true, e.At, e.IncidentRead);
                RunFold.Succeeded(this, e.StepId, e.Outcome, e.Outputs, isAction: true, e.At);
                break;
            case StepWaiting e:
                RunFold.Waiting(this, e.StepId, e.For);
                break;
            case StepSucceeded e:
                RunFold.Succeeded(this, e.StepId, e.Outcome, e.Outputs, IsAction(e.StepId), e.At);
                break;
            case StepAttemptFailed e:
                RunFold.AttemptFailed(this, e.StepId, e.Error);
                break;
            case StepRetryScheduled e:
                RunFold.RetryScheduled(this, e.StepId, e.RetryAt);
                break;
            case StepFailed e:
                RunFold.Failed(this, playbook, e.StepId, e.Error, FailureRoutes.Parse(e.Route), e.At, e.IncidentRead);
                break;
            case StepEscalated e:
                RunFold.Escalated(this, e.StepId, e.Error, e.IncidentRead);
                OpenedPeopleWork = true; // the commander's task
                break;
            case StepEscalationResolved e:
                RunFold.EscalationResolved(this, playbook.Step(e.StepId)!, e.Resolution);
                break;
            case StepSkipped e:
                RunFold.Skipped(this, e.StepId, e.ByWhen, e.At, e.IncidentRead, e.NeedFailed);
                break;
            case StepCancelled e:
                RunFold.Cancelled(this, e.StepId, e.At);
                break;
            case StepCompensated e:
                RunFold.Compensated(this, e.StepId);
                break;
            case StepCompensationFailed e:
                RunFold.CompensationFailedFor(this, e.StepId);
                break;
            case PlaybookRunEnded e:
                RunFold.Ended(this, e.Status, e.Reason, e.At);
                break;
        }
    }

    /// <summary>Records each decision as its event and does the work that goes with it, in order, until the run ends.</summary>
    private void Perform(Turn turn, IReadOnlyList<D> decisions)
    {
        foreach (var decision in decisions)
        {
            if (HasEnded) return;
            switch (decision)
            {
                case D.StartStep start:
                    Begin(turn, start.Step, start.Attempt, start.Read);
                    break;
                case D.SkipStep skip:
                    if (skip.Step.Phase == "containment") turn.EndedContainment.Add(skip.Step.Id);
                    Append(turn, new StepSkipped(Id, skip.Step.Id, skip.Step.Phase, skip.Reason, skip.By, turn.Now, skip.ByWhen, Json(skip.Read), skip.NeedFailed));
                    break;
                case D.EscalateStep escalate:
                    Append(turn, new StepEscalated(Id, escalate.Step.Id, escalate.Error, RunSubject.EscalatesTo(turn.Playbook.Subject), turn.Now, Json(escalate.Read)));
                    // The commander's task: completing it with a decision resolves the step, as POST …/retry, …/skip or …/cancel do.
                    turn.Outgoing.Add(new Tasks.OpenTask(IncidentId, Id, escalate.Step.Id,
                        $"Step {escalate.Step.Id} of {Playbook} failed: retry it, skip it or abort the run",
                        $"It failed after {escalate.Attempts} attempt(s): {escalate.Error}. Complete this task with the output decision = {string.Join(", ", RunDecider.EscalationAnswers)}.",
                        RunSubject.EscalatesTo(turn.Playbook.Subject), EscalateTo: null, Outputs: ["decision"], AckWithin: null, DueWithin: null,
                        Decisions: [.. RunDecider.EscalationAnswers],
                        Subject: turn.Playbook.Subject));
                    break;
                case D.FailStep fail:
                    Append(turn, new StepFailed(Id, fail.Step.Id, fail.Step.Phase, fail.Attempts, fail.Error, fail.Route.Name(), turn.Now, Json(fail.Read)));
                    break;
                case D.RetryStep retry:
                    Append(turn, new StepRetryScheduled(Id, retry.Step.Id, retry.Attempt, turn.Now + retry.Delay, turn.Now));
                    turn.Outgoing.Delay(new RetryStep(Id, retry.Step.Id, retry.Attempt), retry.Delay);
                    break;
                case D.UndoStep undo:
                    Dispatch(turn, undo.Step, undo.Step.Compensate!, RunScope.ForUndo(this), undo.Attempt, compensation: true, undo.Delay);
                    break;
                case D.UndoAttemptFailed failed:
                    Append(turn, new StepAttemptFailed(Id, failed.Step.Id, failed.Attempt, $"undo with {failed.Step.Compensate!.Action}: {failed.Error}", false, turn.Now));
                    break;
                case D.UndoEnded { Succeeded: true } undone:
                    Append(turn, new StepCompensated(Id, undone.Step.Id, undone.Step.Compensate!.Action, turn.Now, undone.Step.Phase));
                    break;
                case D.UndoEnded undone:
                    Append(turn, new StepCompensationFailed(Id, undone.Step.Id, undone.Step.Compensate!.Action, undone.Error ?? "failed", turn.Now));
                    break;
                case D.EscalationAnswered answered:
                    Append(turn, new StepEscalationResolved(Id, answered.Step.Id, answered.Resolution, answered.By, turn.Now));
                    break;
                case D.CancelRequested cancel:
                    Append(turn, new PlaybookRunCancelRequested(Id, cancel.Reason, cancel.By, turn.Now));
                    break;
                case D.CancelStep cancel:
                    // A step still waiting may be waiting for a signal; a wait that ended removed its own record.
                    if (Steps[cancel.StepId].Status == StepStatuses.Waiting) turn.Store.Forget(SignalWait.KeyFor(Id, cancel.StepId));
                    Append(turn, new StepCancelled(Id, cancel.StepId, turn.Now));
                    break;
                case D.EndRun end:
                    End(turn, end.Status, end.Reason);
                    break;
                default:
                    throw new InvalidOperationException($"The run cannot perform {decision}");
            }
        }
    }

    private static Dictionary<string, JsonElement>? Json(IncidentFactsRead? read) => read is null ? null : JsonValues.ToJson(read.Facts);

    /// <summary>The step failed for good: its route, as the decider reads it.</summary>
    private void Fail(Turn turn, Step step, string error) => Perform(turn, RunDecider.Failure(turn.Playbook, this, step, error));

    private void End(Turn turn, string state, string? reason)
    {
        Append(turn, new PlaybookRunEnded(IncidentId, Id, Playbook, state, reason, turn.Now));
        if (ParentRunId is { } parent) turn.Outgoing.Add(new ChildRunEnded(parent, ParentStepId!, Id, state));
        if (OpenedPeopleWork != false) turn.Outgoing.Add(new RunWorkClosed(Id));
        turn.Outgoing.Add(new Notifications.Notify(IncidentId, "run", $"Playbook {Playbook} ended {state}{(reason is null ? "" : $": {reason}")}",
            [$"user:{StartedBy}", "role:commander"]));
    }
}
