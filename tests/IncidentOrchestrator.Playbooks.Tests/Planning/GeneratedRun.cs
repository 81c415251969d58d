using System.Text.Json;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Running;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

/// <summary>
/// A run of a generated playbook as the saga records it: the decider's decisions folded into the run's state, with what each
/// guard read of the incident; actions that run in the run's own turn end in the turn that starts them, one after another,
/// each followed by the run's next decisions; everything else is answered by a world read from a list of small choices (0
/// is always the plainest: the attempt works, nobody cancels), a second passing between any two of its answers. The world
/// fails attempts and undos, answers an escalation with retry, skip or abort, rejects approvals, cancels the run at any
/// moment, or leaves it under way.
/// </summary>
internal sealed class GeneratedRun
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private readonly Playbook _playbook;
    private readonly GeneratedScenario _scenario;
    private readonly int[] _choices;
    private int _chosen;
    private readonly IReadOnlyDictionary<string, object?> _inputs;
    private readonly Queue<(Step Step, int Attempt)> _inTheTurn = new();
    private DateTimeOffset _now = Start;
    private (Step Step, int Attempt)? _undo;

    public RunState Run { get; } 

    /// <summary>What happened, a line a decision or an answer, to print with a failure.</summary>
    public List<string> Log { get; } = [];

    private GeneratedRun(Playbook playbook, GeneratedScenario scenario, int[] world)
    {
        _playbook = playbook;
        _scenario = scenario;
        _choices = world;
        _inputs = InputBinding.Bind(playbook, scenario.Request.Inputs).Values;
        Run = RunState.For(playbook);
    }

    private int Next(int below) => _chosen < _choices.Length ? _choices[_chosen++] % below : 0;

    public static GeneratedRun Drive(Playbook playbook, GeneratedScenario scenario, int[] world)
    {
        var run = new GeneratedRun(playbook, scenario, world);
        run.Advance();
        for (var turn = 0; turn < 200 && !RunDecider.HasEnded(run.Run); turn++)
        {
            run._now = run._now.AddSeconds(1);
            var what = run.Next(20);
            if (what == 1) run.Fold(RunDecider.Cancel(run.Run, null, "people"));
            else if (what == 2 || !run.AnswerOne()) break; // the record is read while the run is still under way
            run.Advance();
        }
        return run;
    }

    /// <summary>
    /// The run as the service hands it to a replay: its steps, what their guards read, the status people are shown, and the
    /// incident as it is by the time of the replay (it moved on: its severity changed, it was resolved).
    /// </summary>
    public RecordedRun Record()
    {
        var incident = new Dictionary<string, object?>(_scenario.Request.Incident)
        {
            ["id"] = "i-1", ["title"] = "Activity data readable by all engineers", ["status"] = "resolved", ["phase"] = "review",
            ["severity"] = _scenario.Request.Incident["severity"] as string == "high" ? "low" : "high",
        };
        return new RecordedRun(Guid.Empty, Guid.Empty, _playbook.Hash, RunStates.Shown(Run), _scenario.Request.Inputs, null, incident,
            Run.Steps.ToDictionary(s => s.Key, s => new RecordedStep(s.Value.Status, s.Value.Outcome, s.Value.Attempts, JsonValues.ToPlain(s.Value.Outputs),
                s.Value.Resolution, s.Value.EndedAt, s.Value.Escalated, s.Value.IncidentRead is { } read ? new IncidentFactsRead(JsonValues.ToPlain(read)) : null,
                s.Value.UndoFailed), StringComparer.Ordinal),
            Run.CompensationQueue.ToList());
    }

    /// <summary>The run's decisions until it waits, with the actions of its own turn run as they come, as the saga's turn does.</summary>
    private void Advance()
    {
        while (true)
        {
            while (RunDecider.Next(_playbook, Run, _ => Scope(withIncident: true)) is { Count: > 0 } decisions) Fold(decisions);
            if (!_inTheTurn.TryDequeue(out var call)) return;
            if (RunDecider.HasEnded(Run) || Run.Steps[call.Step.Id] is not { Status: StepStatuses.Running } state || state.Attempts != call.Attempt) continue;
            Attempt(call.Step);
        }
    }

    /// <summary>An action's attempt ends: it works, or fails and the run's rule says what follows.</summary>
    private void Attempt(Step step)
    {
        var attempt = Run.Steps[step.Id].Attempts;
        if (Next(3) == 1)
        {
            Log.Add($"{step.Id} attempt {attempt} fails");
            Run.AttemptFailed(step.Id, "refused");
            Fold(RunDecider.AfterFailedAttempt(_playbook, Run, step, attempt, "refused"));
        }
        else Ends(step, Outcomes.Succeeded);
    }

    /// <summary>The world answers one thing the run waits for; false when it waits for nothing.</summary>
    private bool AnswerOne()
    {
        if (_undo is var (undoing, attempt))
        {
            _undo = null;
            var worked = Next(4) != 1;
            Log.Add($"undo of {undoing.Id} #{attempt} {(worked ? "worked" : "failed")}");
            Fold(RunDecider.AfterUndo(_playbook, Run, undoing, attempt, worked, worked ? null : "refused"));
            return true;
        }
        var waiting = _playbook.Steps.Where(s => Run.Steps[s.Id].Status is StepStatuses.Running or StepStatuses.Waiting).ToList();
        if (waiting.Count == 0) return false;
        var step = waiting[Next(waiting.Count)];
        var state = Run.Steps[step.Id];
        if (state.Escalated)
        {
            var answer = RunDecider.EscalationAnswers[Next(RunDecider.EscalationAnswers.Length)];
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
            case ActionCall:
                Attempt(step);
                break;
            case HumanTask:
                Ends(step, Outcomes.Succeeded, _scenario.Outputs.GetValueOrDefault(step.Id) ?? new Dictionary<string, object?>());
                break;
            case ApprovalRequest:
                Ends(step, Next(3) == 1 ? Outcomes.Rejected : Outcomes.Approved);
                break;
            default:
                Ends(step, Outcomes.Elapsed);
                break;
        }
        return true;
    }

    private void Ends(Step step, string outcome, IReadOnlyDictionary<string, object?>? outputs = null)
    {
        Log.Add($"{step.Id} ends {outcome}");
        Run.Succeeded(step.Id, outcome, JsonValues.ToJson(outputs ?? new Dictionary<string, object?>()), step.Kind is ActionCall, _now);
    }

    private ValueScope Scope(bool withIncident)
    {
        var scope = new ValueScope { Inputs = _inputs, Incident = withIncident ? _scenario.Request.Incident : new Dictionary<string, object?>() };
        foreach (var (id, step) in Run.Steps.Where(s => s.Value.Outcome is not null))
            scope.Steps[id] = new ValueScope.StepState(step.Outcome!, JsonValues.ToPlain(step.Outputs));
        return scope;
    }

    private static Dictionary<string, JsonElement>? Json(IncidentFactsRead? read) => read is null ? null : JsonValues.ToJson(read.Facts);

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
                    Run.Started(step.Id, start.Attempt, step.Kind is ActionCall, _now, Json(start.Read));
                    if (step.Kind is ActionCall call)
                    {
                        if (StepInputs.ForAction(call, Scope(withIncident: true), BuiltInActions.Catalog).Error is { } error)
                            Fold(RunDecider.Failure(_playbook, Run, step, error));
                        else if (BuiltInActions.Catalog.Find(call.Action) is { RunsInTheRunsTurn: true }) _inTheTurn.Enqueue((step, start.Attempt));
                    }
                    else Run.Waiting(step.Id, step.KindName);
                    break;
                case RunDecision.SkipStep { Step: var step } skip:
                    Run.Skipped(step.Id, skip.ByWhen, _now, Json(skip.Read), skip.NeedFailed);
                    break;
                case RunDecision.EscalateStep { Step: var step } escalate:
                    Run.Escalated(step.Id, escalate.Error, Json(escalate.Read));
                    break;
                case RunDecision.FailStep { Step: var step } fail:
                    Run.Failed(_playbook, step.Id, fail.Error, fail.Route, _now, Json(fail.Read));
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
