using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Running;

namespace IncidentOrchestrator.Playbooks.Tests.Running;

/// <summary>
/// Drives the decider the way the saga does, without the saga: every decision is folded into the state as its event would
/// be, and each one is written down as a line, so a test reads the whole course of a run.
/// </summary>
internal sealed class Driving(Playbook playbook, ValueScope? facts = null)
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    public RunState Run { get; } = RunState.For(playbook);
    public List<string> Log { get; } = [];

    public Step Step(string id) => playbook.Step(id)!;

    /// <summary>The course of the run from the first line that is <paramref name="line"/> on.</summary>
    public IEnumerable<string> From(string line) => Log.SkipWhile(l => l != line);

    public Driving Advance()
    {
        while (RunDecider.Next(playbook, Run, _ => Scope()) is { Count: > 0 } decisions) Fold(decisions);
        return this;
    }

    public Driving Succeeds(string id, string outcome = "succeeded")
    {
        Log.Add($"{id} {outcome}");
        Run.Succeeded(id, outcome, [], Step(id).Kind is ActionCall, At);
        return Advance();
    }

    public Driving AttemptFails(string id, string error = "refused")
    {
        var attempt = Run.Steps[id].Attempts;
        Log.Add($"{id} attempt {attempt} failed");
        Run.AttemptFailed(id, error);
        Fold(RunDecider.AfterFailedAttempt(playbook, Run, Step(id), attempt, error));
        return Advance();
    }

    /// <summary>The retry that was scheduled comes due.</summary>
    public Driving RetryComesDue(string id, int attempt)
    {
        var due = RunDecider.RetryDue(Run, Step(id), attempt);
        Assert.NotEmpty(due); // a retry the run waits for starts; one it does not wait for is RunDecider.RetryDue's test
        Fold(due);
        return Advance();
    }

    public Driving UndoEnds(string id, int attempt, bool succeeded)
    {
        Fold(RunDecider.AfterUndo(playbook, Run, Step(id), attempt, succeeded, succeeded ? null : "undo refused"));
        return Advance();
    }

    public Driving Resolves(string id, string resolution)
    {
        Fold(RunDecider.Resolve(playbook, Run, Step(id), resolution, "cmdr@corp"));
        return Advance();
    }

    public Driving Cancels()
    {
        Fold(RunDecider.Cancel(Run, null, "cmdr@corp"));
        return this;
    }

    private ValueScope Scope()
    {
        var scope = new ValueScope { Inputs = facts?.Inputs ?? new Dictionary<string, object?>(), Incident = facts?.Incident ?? new Dictionary<string, object?>() };
        foreach (var (id, step) in Run.Steps.Where(s => s.Value.Outcome is not null))
            scope.Steps[id] = new ValueScope.StepState(step.Outcome!, JsonValues.ToPlain(step.Outputs));
        return scope;
    }

    private void Fold(IReadOnlyList<RunDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            switch (decision)
            {
                case RunDecision.StartStep s:
                    Log.Add($"start {s.Step.Id} #{s.Attempt}");
                    Run.Started(s.Step.Id, s.Attempt, s.Step.Kind is ActionCall, At);
                    if (s.Step.Kind is not ActionCall) Run.Waiting(s.Step.Id, s.Step.KindName);
                    break;
                case RunDecision.SkipStep s:
                    Log.Add($"skip {s.Step.Id}: {s.Reason}");
                    Run.Skipped(s.Step.Id, s.ByWhen, At, needFailed: s.NeedFailed);
                    break;
                case RunDecision.EscalateStep s:
                    Log.Add($"escalate {s.Step.Id} after {s.Attempts}");
                    Run.Escalated(s.Step.Id, s.Error);
                    break;
                case RunDecision.FailStep s:
                    Log.Add($"fail {s.Step.Id} ({s.Route.Name()}) after {s.Attempts}");
                    Run.Failed(playbook, s.Step.Id, s.Error, s.Route, At);
                    break;
                case RunDecision.RetryStep s:
                    Log.Add($"retry {s.Step.Id} #{s.Attempt} in {s.Delay.TotalSeconds}s");
                    Run.RetryScheduled(s.Step.Id, At + s.Delay);
                    break;
                case RunDecision.UndoStep s:
                    Log.Add($"undo {s.Step.Id} #{s.Attempt}{(s.Delay > TimeSpan.Zero ? $" in {s.Delay.TotalSeconds}s" : "")}");
                    break;
                case RunDecision.UndoAttemptFailed s:
                    Log.Add($"undo {s.Step.Id} attempt {s.Attempt} failed");
                    break;
                case RunDecision.UndoEnded { Succeeded: true } s:
                    Log.Add($"undone {s.Step.Id}");
                    Run.Compensated(s.Step.Id);
                    break;
                case RunDecision.UndoEnded s:
                    Log.Add($"undo of {s.Step.Id} failed");
                    Run.CompensationFailedFor(s.Step.Id);
                    break;
                case RunDecision.EscalationAnswered s:
                    Log.Add($"{s.Step.Id} resolved {s.Resolution}");
                    Run.EscalationResolved(s.Step, s.Resolution);
                    break;
                case RunDecision.CancelRequested s:
                    Log.Add($"cancel requested by {s.By}");
                    break;
                case RunDecision.CancelStep s:
                    Log.Add($"cancel {s.StepId}");
                    Run.Cancelled(s.StepId, At);
                    break;
                case RunDecision.EndRun s:
                    Log.Add($"end {s.Status}{(s.Reason is null ? "" : $": {s.Reason}")}");
                    Run.Ended(s.Status, s.Reason, At);
                    break;
                default:
                    throw new InvalidOperationException($"the test does not know {decision}");
            }
        }
    }
}
