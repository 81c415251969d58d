using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Playbooks.Tests.Running;

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
            if (!RunDecider.IsCurrentAttempt(Run, call.Step.Id, call.Attempt)) continue;
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

    /// <summary>
    /// Each decision folded as the saga folds its event (<see cref="DecisionFold"/>), with the work the saga does beside it:
    /// an action's parameters rendered as it starts (one that cannot be rendered fails by its route), an action of the
    /// run's own turn queued for the turn, an undo handed to the world.
    /// </summary>
    private void Fold(IReadOnlyList<RunDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            if (RunDecider.HasEnded(Run)) return; // as the saga: nothing is recorded after the run's end
            Log.Add(DecisionFold.Apply(Run, _playbook, decision, _now));
            switch (decision)
            {
                case RunDecision.StartStep { Step: { Kind: ActionCall call } step } start:
                    if (StepInputs.ForAction(call, Scope(withIncident: true), BuiltInActions.Catalog).Error is { } error)
                        Fold(RunDecider.Failure(_playbook, Run, step, error));
                    else if (BuiltInActions.Catalog.Find(call.Action) is { RunsInTheRunsTurn: true }) _inTheTurn.Enqueue((step, start.Attempt));
                    break;
                case RunDecision.UndoStep { Step: var step } undo:
                    if (StepInputs.ForAction(step.Compensate!, StepDecision.ForCompensation(Scope(withIncident: false)), BuiltInActions.Catalog).Error is { } undoError)
                        Fold(RunDecider.UndoFailedForGood(_playbook, Run, step, undoError));
                    else _undo = (step, undo.Attempt);
                    break;
            }
        }
    }
}
