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
        foreach (var decision in decisions) Log.Add(DecisionFold.Apply(Run, playbook, decision, At));
    }
}
