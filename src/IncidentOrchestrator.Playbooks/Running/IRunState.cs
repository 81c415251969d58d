namespace IncidentOrchestrator.Playbooks.Running;

/// <summary>
/// What the <see cref="RunDecider"/> reads of a run: its steps and where it stands. <see cref="RunFold"/> changes it, one
/// fact at a time, so a run's state is the fold of its events: the saga folds each event it records (a start it holds back
/// to record with the step's end is folded when it is held) and stores the result as a snapshot; the dry run and the replay
/// fold assumed or recorded outcomes into a <see cref="RunState"/>. The setters are there for the fold and the snapshot's
/// serializer, nobody else.
/// </summary>
public interface IRunState
{
    /// <summary>running, compensating, or once over: succeeded, failed, compensated, cancelled.</summary>
    string State { get; set; }
    string? EndReason { get; set; }
    DateTimeOffset? EndedAt { get; set; }
    Dictionary<string, StepRun> Steps { get; }

    /// <summary>Action steps that succeeded, in the order they did: compensation walks it backwards.</summary>
    List<string> Completed { get; }

    /// <summary>The undos still to run while compensating, the one under way first.</summary>
    List<string> CompensationQueue { get; set; }
    bool CompensationFailed { get; set; }

    /// <summary>Steps skipped because their own <c>when</c> was false: only these skips travel to the steps that need them.</summary>
    List<string> SkippedByWhen { get; }
}

/// <summary>A run's state on its own, for runs that are simulated rather than stored.</summary>
public sealed class RunState : IRunState
{
    public string State { get; set; } = RunStates.Running;
    public string? EndReason { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public Dictionary<string, StepRun> Steps { get; init; } = new(StringComparer.Ordinal);
    public List<string> Completed { get; } = [];
    public List<string> CompensationQueue { get; set; } = [];
    public bool CompensationFailed { get; set; }
    public List<string> SkippedByWhen { get; } = [];

    public static RunState For(Model.Playbook playbook) =>
        new() { Steps = playbook.Steps.ToDictionary(s => s.Id, _ => new StepRun(), StringComparer.Ordinal) };
}
