using System.Text.Json;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Running;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

/// <summary>
/// A run of a generated playbook as the saga would record it: the decider's decisions folded into the run's state, with a
/// world that answers as it likes (an attempt fails or works, an undo fails, a person answers or types a word, the
/// commander retries, skips or aborts, people cancel at any moment), a second passing between any two ends.
/// </summary>
internal sealed class GeneratedRun
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private readonly Playbook _playbook;
    private readonly GeneratedScenario _scenario;
    private readonly Random _world;
    private readonly IReadOnlyDictionary<string, object?> _inputs;
    private DateTimeOffset _now = Start;
    private (Step Step, int Attempt)? _undo;

    public RunState Run { get; }

    /// <summary>What happened, a line a decision or an answer, to print with a failure.</summary>
    public List<string> Log { get; } = [];

    private GeneratedRun(Playbook playbook, GeneratedScenario scenario, int seed)
    {
        _playbook = playbook;
        _scenario = scenario;
        _world = new Random(seed);
        _inputs = InputBinding.Bind(playbook, scenario.Request.Inputs).Values;
        Run = RunState.For(playbook);
    }

    public static GeneratedRun Drive(Playbook playbook, GeneratedScenario scenario, int seed)
    {
        var run = new GeneratedRun(playbook, scenario, seed);
        run.Advance();
        for (var turn = 0; turn < 200 && !RunDecider.HasEnded(run.Run); turn++)
        {
            run._now = run._now.AddSeconds(1);
            if (run._world.Next(15) == 0) run.Fold(RunDecider.Cancel(run.Run, null, "people"));
            else if (!run.AnswerOne()) break;
            run.Advance();
        }
        if (!RunDecider.HasEnded(run.Run)) run.Fold(RunDecider.Cancel(run.Run, "the scenario is over", "people"));
        return run;
    }

    /// <summary>The run as the service hands it to a replay.</summary>
    public RecordedRun Record() => new(Guid.Empty, Guid.Empty, _playbook.Hash, Run.State, _scenario.Request.Inputs, null, _scenario.Request.Incident,
        Run.Steps.ToDictionary(s => s.Key, s => new RecordedStep(s.Value.Status, s.Value.Outcome, s.Value.Attempts, JsonValues.ToPlain(s.Value.Outputs),
            s.Value.Resolution, s.Value.EndedAt, s.Value.Escalated, null, s.Value.UndoFailed), StringComparer.Ordinal),
        Run.CompensationQueue.ToList());

    private void Advance()
    {
        while (RunDecider.Next(_playbook, Run, _ => Scope(withIncident: true)) is { Count: > 0 } decisions) Fold(decisions);
    }

    /// <summary>The world answers one thing the run waits for; false when it waits for nothing.</summary>
    private bool AnswerOne()
    {
        if (_undo is var (undoing, attempt))
        {
            _undo = null;
            var worked = _world.Next(4) != 0;
            Log.Add($"undo of {undoing.Id} #{attempt} {(worked ? "worked" : "failed")}");
            Fold(RunDecider.AfterUndo(_playbook, Run, undoing, attempt, worked, worked ? null : "refused"));
            return true;
        }
        var waiting = _playbook.Steps.Where(s => Run.Steps[s.Id].Status is StepStatuses.Running or StepStatuses.Waiting).ToList();
        if (waiting.Count == 0) return false;
        var step = waiting[_world.Next(waiting.Count)];
        var state = Run.Steps[step.Id];
        if (state.Escalated)
        {
            var answer = RunDecider.EscalationAnswers[_world.Next(RunDecider.EscalationAnswers.Length)];
            Log.Add($"the commander answers {step.Id}: {answer}");
            Fold(RunDecider.Resolve(_playbook, Run, step, answer, "cmdr"));
            return true;
        }
        if (state.NextAttemptAt is not null)
        {
            Log.Add($"the retry of {step.Id} comes due");
            Fold(RunDecider.RetryDue(Run, step, state.Attempts + 1));
            return true;
        }
        switch (step.Kind)
        {
            case ActionCall when _world.Next(3) == 0:
                Log.Add($"{step.Id} attempt {state.Attempts} fails");
                Run.AttemptFailed(step.Id, "refused");
                Fold(RunDecider.AfterFailedAttempt(_playbook, Run, step, state.Attempts, "refused"));
                break;
            case HumanTask:
                Ends(step, Outcomes.Succeeded, _scenario.Outputs.GetValueOrDefault(step.Id) ?? new Dictionary<string, object?>());
                break;
            case ApprovalRequest:
                Ends(step, _world.Next(3) == 0 ? Outcomes.Rejected : Outcomes.Approved);
                break;
            case WaitFor:
                Ends(step, Outcomes.Elapsed);
                break;
            default:
                Ends(step, Outcomes.Succeeded);
                break;
        }
        return true;
    }

    private void Ends(Step step, string outcome, IReadOnlyDictionary<string, object?>? outputs = null)
    {
        Log.Add($"{step.Id} ends {outcome}");
        Run.Succeeded(step.Id, outcome, (outputs ?? new Dictionary<string, object?>()).ToDictionary(o => o.Key, o => JsonSerializer.SerializeToElement(o.Value)),
            step.Kind is ActionCall, _now);
    }

    private ValueScope Scope(bool withIncident)
    {
        var scope = new ValueScope { Inputs = _inputs, Incident = withIncident ? _scenario.Request.Incident : new Dictionary<string, object?>() };
        foreach (var (id, step) in Run.Steps.Where(s => s.Value.Outcome is not null))
            scope.Steps[id] = new ValueScope.StepState(step.Outcome!, JsonValues.ToPlain(step.Outputs));
        return scope;
    }

    private static string Describe(RunDecision decision) => decision switch
    {
        RunDecision.StartStep d => $"start {d.Step.Id} #{d.Attempt}",
        RunDecision.SkipStep d => $"skip {d.Step.Id}: {d.Reason}",
        RunDecision.EscalateStep d => $"escalate {d.Step.Id}",
        RunDecision.FailStep d => $"fail {d.Step.Id} ({d.Route.Name()}): {d.Error}",
        RunDecision.RetryStep d => $"retry {d.Step.Id} #{d.Attempt}",
        RunDecision.UndoStep d => $"undo {d.Step.Id} #{d.Attempt}",
        RunDecision.UndoEnded d => $"undo of {d.Step.Id} ended {(d.Succeeded ? "undone" : "failed")}",
        RunDecision.EscalationAnswered d => $"{d.Step.Id} answered {d.Resolution}",
        RunDecision.CancelStep d => $"cancel {d.StepId}",
        RunDecision.EndRun d => $"end {d.Status}: {d.Reason}",
        _ => decision.GetType().Name,
    };

    /// <summary>Each decision folded as the saga folds its event, and an action's parameters rendered as the saga renders them.</summary>
    private void Fold(IReadOnlyList<RunDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            if (RunDecider.HasEnded(Run)) return; // as the saga: nothing is recorded after the run's end
            Log.Add(Describe(decision));
            switch (decision)
            {
                case RunDecision.StartStep { Step: var step } start:
                    Run.Started(step.Id, start.Attempt, step.Kind is ActionCall, _now);
                    if (step.Kind is ActionCall call)
                    {
                        if (StepInputs.ForAction(call, Scope(withIncident: true), BuiltInActions.Catalog).Error is { } error)
                            Fold(RunDecider.Failure(_playbook, Run, step, error));
                    }
                    else Run.Waiting(step.Id, step.KindName);
                    break;
                case RunDecision.SkipStep { Step: var step } skip:
                    Run.Skipped(step.Id, skip.ByWhen, _now, needFailed: skip.NeedFailed);
                    break;
                case RunDecision.EscalateStep { Step: var step } escalate:
                    Run.Escalated(step.Id, escalate.Error);
                    break;
                case RunDecision.FailStep { Step: var step } fail:
                    Run.Failed(_playbook, step.Id, fail.Error, fail.Route, _now);
                    break;
                case RunDecision.RetryStep { Step: var step } retry:
                    Run.RetryScheduled(step.Id, _now + retry.Delay);
                    break;
                case RunDecision.UndoStep { Step: var step } undo:
                    if (StepInputs.ForAction(step.Compensate!, StepDecision.ForCompensation(Scope(withIncident: false)), BuiltInActions.Catalog).Error is { } undoError)
                        Fold(RunDecider.UndoFailedForGood(_playbook, Run, step, undoError));
                    else _undo = (step, undo.Attempt);
                    break;
                case RunDecision.UndoEnded { Step: var step, Succeeded: true }:
                    Run.Compensated(step.Id);
                    break;
                case RunDecision.UndoEnded { Step: var step }:
                    Run.CompensationFailedFor(step.Id);
                    break;
                case RunDecision.EscalationAnswered answered:
                    Run.EscalationResolved(answered.Step, answered.Resolution);
                    break;
                case RunDecision.CancelStep cancel:
                    Run.Cancelled(cancel.StepId, _now);
                    break;
                case RunDecision.EndRun end:
                    Run.Ended(end.Status, end.Reason, _now);
                    break;
                case RunDecision.CancelRequested or RunDecision.UndoAttemptFailed:
                    break;
                default:
                    throw new InvalidOperationException($"the generated run does not know {decision}");
            }
        }
    }
}
