using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Running;

namespace IncidentOrchestrator.Playbooks.Planning;

/// <summary>
/// Simulates a run in waves: a step is decided once all its needs are; independent steps share a wave.
/// Outcomes come from <c>decisions</c> when given, else the usual outcome of the step's kind.
/// </summary>
public static class Planner
{
    /// <param name="Outputs">Known outputs of steps (a recorded run's, for a replay); a decided step without them has none.</param>
    /// <param name="Actions">The installation's actions (which of them run in the run's own turn); the built-in ones when not given.</param>
    /// <param name="EndedAt">When steps ended in a recorded run: a replay ends them in that order, so a failure that ended the
    /// run finds the steps that had ended before it ended.</param>
    /// <param name="IncidentRead">What each step's <c>when</c> read of the incident in a recorded run: a replay decides the
    /// step on those facts, not on <see cref="Incident"/> as it is now.</param>
    /// <param name="Answers">The commander's answer to a step's escalation in a recorded run (<c>skip</c> or <c>abort</c>): a
    /// replay answers an escalation of that step alike; unanswered, it waits.</param>
    /// <param name="Playbooks">The loaded playbooks by name, for a child run's inputs to be checked as the run checks them;
    /// without it a plan assumes a child run starts.</param>
    /// <param name="Attempts">How many attempts actions took in a recorded run: for one that succeeded, a replay fails each
    /// attempt but the last and asks the run's rule what follows (<see cref="RunDecider.AfterFailedAttempt"/>), so a success
    /// that needed more attempts than the candidate allows fails, by its route.</param>
    /// <param name="CancelledOpen">The recorded run was cancelled (by people or the service; not by a commander's abort, which
    /// <see cref="Answers"/> carries), and these steps had not ended then: a replay ends every other step first, as the record
    /// or its pace has it, and the run is cancelled (<see cref="RunDecider.Cancel"/>) when only these are left to end.</param>
    /// <param name="UndoLeft">The undos a recorded compensation still had to run (when the run was cancelled, or as it is read
    /// under way): when one of them is next, the replay is cancelled, or waits for it.</param>
    /// <param name="UndoFailed">The steps whose undo failed for good in a recorded run; every other undo is assumed to work.</param>
    /// <param name="UnderWay">A recorded run read while still under way, and its steps under way then: a replay does not end
    /// them (their end is not known yet), so it goes no further than the record, except for the steps the candidate adds.</param>
    public sealed record Request(
        IReadOnlyDictionary<string, object?> Inputs,
        IReadOnlyDictionary<string, object?> Incident,
        IReadOnlyDictionary<string, object?>? Signal,
        IReadOnlyDictionary<string, string> Decisions,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? Outputs = null,
        IReadOnlyDictionary<string, DateTimeOffset>? EndedAt = null,
        IActionCatalog? Actions = null,
        IReadOnlyDictionary<string, IncidentFactsRead>? IncidentRead = null,
        IReadOnlyDictionary<string, string>? Answers = null,
        Func<string, Playbook?>? Playbooks = null,
        IReadOnlyDictionary<string, int>? Attempts = null,
        IReadOnlySet<string>? CancelledOpen = null,
        IReadOnlySet<string>? UndoLeft = null,
        IReadOnlySet<string>? UndoFailed = null,
        IReadOnlySet<string>? UnderWay = null);

    /// <summary>
    /// How a plan orders the ends of steps under way together, when no record says: actions that run in the run's own turn
    /// (they end in the turn that starts them), then other actions at their first attempt (milliseconds), then actions whose
    /// failure is retried after a backoff (seconds), then people, timers and child runs (minutes); among equals, in the order
    /// they started.
    /// </summary>
    public static int Pace(Playbook playbook, Step step, string outcome, IActionCatalog? actions = null) => step.Kind switch
    {
        ActionCall when outcome == Outcomes.Failed && RunDecider.RetryOf(playbook, step).Attempts > 1 => 2,
        ActionCall call when (actions ?? BuiltInActions.Catalog).Find(call.Action) is { RunsInTheRunsTurn: true } => 0,
        ActionCall => 1,
        _ => 3,
    };

    /// <summary>Problems with the request itself (inputs, decisions), keyed by field; empty when it can be planned.</summary>
    public static IReadOnlyDictionary<string, string> Check(Playbook playbook, Request request)
    {
        var problems = InputBinding.Bind(playbook, request.Inputs).Problems.ToDictionary(p => $"inputs.{p.Key}", p => p.Value);
        foreach (var (field, problem) in CheckDecisions(playbook, request.Decisions)) problems[field] = problem;
        return problems;
    }

    /// <summary>Decisions that name no step of the playbook, or an outcome its step cannot end with, keyed by field.</summary>
    public static IReadOnlyDictionary<string, string> CheckDecisions(Playbook playbook, IReadOnlyDictionary<string, string> decisions)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (stepId, outcome) in decisions)
        {
            var step = playbook.Step(stepId);
            if (step is null) problems[$"decisions.{stepId}"] = $"playbook '{playbook.Name}' has no step '{stepId}'";
            else if (!Outcomes.For(step.Kind).Contains(outcome))
                problems[$"decisions.{stepId}"] = $"a {step.KindName} step ends {string.Join(" or ", Outcomes.For(step.Kind))}, not '{outcome}'";
        }
        return problems;
    }

    /// <summary>
    /// Runs the playbook through the <see cref="RunDecider"/>, as a run would, with outcomes assumed instead of performed:
    /// started steps end one at a time (in the recorded order when there is one, else by <see cref="Pace"/>), each with its
    /// decided or usual outcome, except those a record read under way has under way (<see cref="Request.UnderWay"/>), which
    /// show no outcome. A started step the run cancels before it ends shows as cancelled.
    /// </summary>
    public static Plan Make(Playbook playbook, Request request) => new Simulation(playbook, request).Run();

    /// <summary>The plan, and the order its steps started in (for a test that drives a real run in the plan's order).</summary>
    internal static (Plan Plan, IReadOnlyList<string> StartOrder) MakeInOrder(Playbook playbook, Request request)
    {
        var simulation = new Simulation(playbook, request);
        return (simulation.Run(), simulation.StartOrder);
    }

    private sealed class Simulation(Playbook playbook, Request request)
    {
        private static readonly DateTimeOffset Never = DateTimeOffset.UnixEpoch;
        private readonly IReadOnlyDictionary<string, object?> _inputs = InputBinding.Bind(playbook, request.Inputs).Values;
        private readonly RunState _run = RunState.For(playbook);
        private readonly Dictionary<string, PlannedStep> _planned = new(StringComparer.Ordinal);
        private readonly List<Step> _started = [];

        /// <summary>The escalated step whose recorded answer is being taken (an abort cancels it by the commander's word).</summary>
        private string? _answering;

        public List<string> StartOrder { get; } = [];
        private readonly List<PlannedCompensation> _compensations = [];

        public Plan Run()
        {
            while (true)
            {
                while (RunDecider.Next(playbook, _run, Scope) is { Count: > 0 } decisions) Record(decisions);
                if (RunDecider.HasEnded(_run)) break;
                var step = NextToEnd();
                if (request.CancelledOpen is { } open && (step is null || open.Contains(step.Id)))
                {
                    // Only what was still open when people cancelled is left: they cancel the run here, as they did.
                    CancelAsRecorded();
                    break;
                }
                if (step is null) break;
                End(step);
            }

            var outcome = RunDecider.HasEnded(_run) ? _run.State : "waiting";
            foreach (var id in request.UnderWay ?? (IEnumerable<string>)[])
                if (_planned.TryGetValue(id, out var open) && !_run.Steps[id].HasEnded)
                    _planned[id] = open with { Outcome = null, Reason = "under way in the record; its end is not known yet" };
            foreach (var step in playbook.Steps.Where(s => !_planned.ContainsKey(s.Id)))
                _planned[step.Id] = Unreached(step, WhyUnreached(step, outcome));
            var waves = _planned.Values.Max(p => p.Wave) ?? 0;
            return new Plan(playbook.Name, playbook.Hash, outcome, waves,
                playbook.Steps.Select(s => _planned[s.Id]).OrderBy(p => p.Wave ?? int.MaxValue).ToList(), _compensations);
        }

        /// <summary>What a run's expressions would see now: the request's facts and the steps ended so far.</summary>
        private ValueScope Scope() => Scope(request.Incident);

        /// <summary>What <paramref name="step"/>'s <c>when</c> sees: the incident as the record says it read it, if it does.</summary>
        private ValueScope Scope(Step step) =>
            Scope(request.IncidentRead?.GetValueOrDefault(step.Id) is { } read ? read.Over(request.Incident) : request.Incident);

        private ValueScope Scope(IReadOnlyDictionary<string, object?> incident)
        {
            var scope = new ValueScope { Inputs = _inputs, Incident = incident, Signal = request.Signal };
            foreach (var (id, step) in _run.Steps.Where(s => s.Value.Outcome is not null))
                scope.Steps[id] = new ValueScope.StepState(step.Outcome!,
                    step.Outcome != Outcomes.Skipped && request.Outputs?.GetValueOrDefault(id) is { } known ? known : new Dictionary<string, object?>());
            return scope;
        }

        /// <summary>
        /// A started step ends with its decided or usual outcome; a failure takes the step's route. An escalated one ends by the
        /// commander's answer in the record.
        /// </summary>
        private void End(Step step)
        {
            if (_run.Steps[step.Id].Escalated)
            {
                _answering = step.Id;
                Record(RunDecider.Resolve(playbook, _run, step, request.Answers![step.Id], "a person"));
                _answering = null;
                return;
            }
            var outcome = _planned[step.Id].Outcome!;
            if (outcome == Outcomes.Failed)
                Record(RunDecider.Failure(playbook, _run, step, "failed"));
            else if (!FailsItsRecordedAttempts(step)) _run.Succeeded(step.Id, outcome, [], step.Kind is ActionCall, Never);
        }

        /// <summary>
        /// An action the record says succeeded at its n-th attempt failed n-1 times first: each failure meets this playbook's
        /// retry policy. True when the policy gives up before the attempt that succeeded (the failure is recorded, by its route).
        /// </summary>
        private bool FailsItsRecordedAttempts(Step step)
        {
            var attempts = request.Attempts?.GetValueOrDefault(step.Id) ?? 0;
            if (step.Kind is not ActionCall call || attempts <= 1) return false;
            for (var attempt = 1; attempt < attempts; attempt++)
            {
                var after = RunDecider.AfterFailedAttempt(playbook, _run, step, attempt, "failed");
                if (after is [RunDecision.RetryStep retry])
                {
                    _run.Started(step.Id, retry.Attempt, isAction: true, Never);
                    continue;
                }
                var why = $"it took {attempts} attempts; the candidate allows {attempt}";
                _planned[step.Id] = _planned[step.Id] with
                {
                    Outcome = Outcomes.Failed,
                    Reason = $"runs {call.Action}; {Outcomes.Failed} ({why}); onFailure: {step.OnFailure.Name()}",
                };
                Record(after);
                return true;
            }
            return false;
        }

        private void CancelAsRecorded() => Record(RunDecider.Cancel(_run, "cancelled in the record", "a person"));

        private DateTimeOffset? RecordedEnd(Step step) => request.EndedAt?.GetValueOrDefault(step.Id) is { } at && at != default ? at : null;

        private void Record(IReadOnlyList<RunDecision> decisions)
        {
            foreach (var decision in decisions)
            {
                switch (decision)
                {
                    case RunDecision.StartStep { Step: var step } start:
                        _planned[step.Id] = Started(step, Wave(step));
                        _run.Started(step.Id, start.Attempt, step.Kind is ActionCall, Never);
                        StartOrder.Add(step.Id);
                        if (CannotStart(step) is { } error)
                        {
                            // As in the run: it fails as it starts, by its route, whatever outcome was assumed for it.
                            _planned[step.Id] = _planned[step.Id] with { Outcome = Outcomes.Failed, Reason = $"{error}; onFailure: {step.OnFailure.Name()}" };
                            Record(RunDecider.Failure(playbook, _run, step, error));
                        }
                        else _started.Add(step);
                        break;
                    case RunDecision.SkipStep { Step: var step } skip:
                        _planned[step.Id] = Skip(step, _planned.GetValueOrDefault(step.Id)?.Wave ?? Wave(step), skip.Reason,
                            _planned.GetValueOrDefault(step.Id)?.Title ?? step.Title?.RenderForPeople(Scope()));
                        _run.Skipped(step.Id, skip.ByWhen, Never, needFailed: skip.NeedFailed);
                        break;
                    case RunDecision.FailStep { Step: var step } fail:
                        _planned[step.Id] = Failing(step, fail.Error);
                        _run.Failed(playbook, step.Id, fail.Error, fail.Route, Never);
                        break;
                    case RunDecision.EscalateStep { Step: var step } escalate:
                        var failing = Failing(step, escalate.Error);
                        _planned[step.Id] = failing with
                        {
                            Disposition = "escalate",
                            Reason = failing.Reason + "; escalated to the incident commander, who retries, skips or aborts it",
                        };
                        _run.Escalated(step.Id, escalate.Error);
                        // A replay of a run whose commander answered: their answer comes when the record has it, among the other ends.
                        if (request.Answers?.ContainsKey(step.Id) == true) _started.Add(step);
                        break;
                    case RunDecision.EscalationAnswered answered:
                        _run.EscalationResolved(answered.Step, answered.Resolution);
                        break;
                    case RunDecision.CancelStep cancel:
                        if (_planned.TryGetValue(cancel.StepId, out var started) && _run.Steps[cancel.StepId].Status is StepStatuses.Running or StepStatuses.Waiting)
                            _planned[cancel.StepId] = started with
                            {
                                Outcome = Outcomes.Cancelled,
                                Reason = started.Reason + (cancel.StepId == _answering
                                    ? "; the commander aborted the run" : "; cancelled: the run ended before it did"),
                            };
                        _run.Cancelled(cancel.StepId, Never);
                        break;
                    case RunDecision.UndoStep { Step: var step } when request.UndoLeft?.Contains(step.Id) == true:
                        // The record's compensation had not run this undo: it was cancelled before it, or is still under way
                        // (the run waits for it).
                        if (request.CancelledOpen is not null) CancelAsRecorded();
                        break;
                    case RunDecision.UndoStep { Step: var step } undo:
                        var undoScope = StepDecision.ForCompensation(Scope());
                        _compensations.Add(new PlannedCompensation(_compensations.Count + 1, step.Id, step.Compensate!.Action,
                            Render(step.Compensate.With, undoScope)));
                        // An undo is assumed to work, unless it cannot even be rendered, or the record has it failing.
                        Record(StepInputs.ForAction(step.Compensate, undoScope, Actions).Error is { } undoError
                            ? RunDecider.UndoFailedForGood(playbook, _run, step, undoError)
                            : request.UndoFailed?.Contains(step.Id) == true
                                ? RunDecider.UndoFailedForGood(playbook, _run, step, "failed in the record")
                                : RunDecider.AfterUndo(playbook, _run, step, undo.Attempt, succeeded: true, null));
                        break;
                    case RunDecision.UndoEnded { Step: var step, Succeeded: true }:
                        _run.Compensated(step.Id);
                        break;
                    case RunDecision.UndoEnded { Step: var step }:
                        _run.CompensationFailedFor(step.Id);
                        break;
                    case RunDecision.EndRun end:
                        _run.Ended(end.Status, end.Reason, Never);
                        break;
                    case RunDecision.CancelRequested or RunDecision.RetryStep or RunDecision.UndoAttemptFailed:
                        break; // a plan assumes outcomes after retries, and nobody cancels it
                    default:
                        throw new InvalidOperationException($"A plan cannot record {decision}");
                }
            }
        }

        private IActionCatalog Actions => request.Actions ?? BuiltInActions.Catalog;

        /// <summary>Why the step cannot start with what the run knows now (<see cref="StepInputs"/>); null when it can.</summary>
        private string? CannotStart(Step step) => step.Kind switch
        {
            ActionCall call => StepInputs.ForAction(call, Scope(), Actions).Error,
            SubPlaybook sub when request.Playbooks is { } find => StepInputs.ForChild(sub, Scope(), find(sub.Playbook)).Error,
            ApprovalRequest approval => StepInputs.ForApproval(approval, Scope()).Error,
            WaitFor wait => StepInputs.ForWait(wait, Scope()).Error,
            _ => null,
        };

        /// <summary>
        /// The started step that ends next (or the escalated one the commander answers next): the first to end in the record,
        /// else by pace, then in the order they started.
        /// </summary>
        private Step? NextToEnd()
        {
            var next = _started
                .Select((step, order) => (step, order))
                .Where(s => !_run.Steps[s.step.Id].HasEnded && request.UnderWay?.Contains(s.step.Id) != true)
                .OrderBy(s => RecordedEnd(s.step) ?? DateTimeOffset.MaxValue)
                .ThenBy(s => request.CancelledOpen?.Contains(s.step.Id) == true) // what people cancelled never ended: the rest ends first
                .ThenBy(s => _run.Steps[s.step.Id].Escalated ? 3 : Pace(playbook, s.step, _planned[s.step.Id].Outcome ?? "", request.Actions))
                .ThenBy(s => s.order)
                .Select(s => s.step)
                .FirstOrDefault();
            if (next is not null) _started.Remove(next);
            return next;
        }

        /// <summary>A step's wave: one after the last of its needs (steps of one wave can start together).</summary>
        private int Wave(Step step) => 1 + step.Needs.Select(n => _planned.GetValueOrDefault(n.StepId)?.Wave ?? 0).DefaultIfEmpty(0).Max();

        /// <summary>The step as it fails: one that ran keeps what it ran; one that never started (its guard unreadable) fails as it is decided.</summary>
        private PlannedStep Failing(Step step, string error)
        {
            var route = $"; onFailure: {step.OnFailure.Name()}";
            return _planned.TryGetValue(step.Id, out var started)
                ? started with { Outcome = Outcomes.Failed }
                : new PlannedStep(step.Id, step.KindName, step.Phase, Wave(step), "fail", Outcomes.Failed, error + route,
                    step.Title?.RenderForPeople(Scope()), null, null);
        }

        private PlannedStep Started(Step step, int wave)
        {
            var scope = Scope();
            var title = step.Title?.RenderForPeople(scope);
            var outcome = request.Decisions.GetValueOrDefault(step.Id) ?? Outcomes.For(step.Kind)[0];
            var assumed = request.Decisions.ContainsKey(step.Id) ? "as decided" : "assumed";
            var failure = outcome == Outcomes.Failed ? $"; onFailure: {step.OnFailure.Name()}" : "";
            return step.Kind switch
            {
                ActionCall call => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "run", outcome,
                    $"runs {call.Action}; {outcome} ({assumed}){failure}", title, call.Action, Render(call.With, scope)),
                HumanTask task => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                    $"waits for {task.Assignee} to complete a task{Within(" acknowledged within", task.AckWithin)}{Within(", done within", task.DueWithin)}; {outcome} ({assumed}){failure}",
                    task.Title?.RenderForPeople(scope) ?? title, null, null),
                // What cannot be read fails the step as it starts, and says so instead (CannotStart).
                ApprovalRequest approval => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                    $"waits for {Approvals(StepInputs.ForApproval(approval, scope))}{Within(" within", approval.Within)}; {outcome} ({assumed})", title, null, null),
                WaitFor { Signal: { } signal } w => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                    $"waits up to {Durations.Format(w.Within!.Value)} for a {signal} signal; {outcome} ({assumed})", title, null, null),
                WaitFor w => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                    $"waits{Within("", StepInputs.ForWait(w, scope).Duration)}; {outcome}", title, null, null),
                SubPlaybook sub => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                    $"runs playbook '{sub.Playbook}' as a child run and ends with its outcome; {outcome} ({assumed}){failure}", title, null, Render(sub.With, scope)),
                _ => Unreached(step, "unknown step kind"),
            };
        }

        /// <summary>Why a step was never decided: the run's end, or (while it waits) a need that is escalated or not reached.</summary>
        private string WhyUnreached(Step step, string outcome)
        {
            if (outcome != "waiting") return $"the run ends {outcome} before this step";
            foreach (var need in step.Needs)
                if (_planned.GetValueOrDefault(need.StepId) is not { Disposition: not "not-reached" } planned) return $"needs '{need.StepId}', which is not reached";
                else if (planned.Disposition == "escalate") return $"needs '{need.StepId}', which is escalated";
                else if (request.UnderWay?.Contains(need.StepId) == true && !_run.Steps[need.StepId].HasEnded)
                    return $"needs '{need.StepId}', which is still under way";
            return "waits behind an escalated step";
        }
    }

    private static PlannedStep Skip(Step step, int wave, string reason, string? title) =>
        new(step.Id, step.KindName, step.Phase, wave, "skip", Outcomes.Skipped, reason, title, null, null);

    private static PlannedStep Unreached(Step step, string reason) =>
        new(step.Id, step.KindName, step.Phase, null, "not-reached", null, reason, null, null, null);

    private static string Within(string label, TimeSpan? d) => d is { } v ? $"{label} {Durations.Format(v)}" : "";

    private static string Approvals(StepInputs.Asked asked) => $"{asked.Quorum} approval(s) from {string.Join(", ", asked.Approvers)}";


    private static IReadOnlyDictionary<string, object?> Render(IReadOnlyList<Parameter> with, ValueScope scope) =>
        with.ToDictionary(p => p.Name, p =>
        {
            try { return p.Value.Render(scope); }
            catch (ExpressionException e) { return $"<cannot render: {e.Message}>"; }
        }, StringComparer.Ordinal);
}
