using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Model;

public enum FailureRoute { Fail, Continue, Compensate, Escalate }

/// <summary>The words a playbook, an event and the API use for a <see cref="FailureRoute"/>, in the enum's order.</summary>
public static class FailureRoutes
{
    public static readonly string[] Names = ["fail", "continue", "compensate", "escalate"];

    public static string Name(this FailureRoute route) => Names[(int)route];

    /// <summary>The route a word names; <c>fail</c>, the default, for any other.</summary>
    public static FailureRoute Parse(string? name) => Array.IndexOf(Names, name) is var i and >= 0 ? (FailureRoute)i : FailureRoute.Fail;
}

public static class Phases
{
    public static readonly string[] All = ["detection", "triage", "containment", "investigation", "eradication", "recovery", "review"];
}

public sealed record Step(
    string Id,
    TextTemplate? Title,
    string? Phase,
    IReadOnlyList<Need> Needs,
    Condition? When,
    StepKind Kind,
    TimeSpan? Timeout,
    RetryPolicy? Retry,
    FailureRoute OnFailure,
    ActionCall? Compensate,
    Position Position)
{
    public string KindName => Kind switch
    {
        ActionCall => "action",
        HumanTask => "task",
        ApprovalRequest => "approval",
        WaitFor => "wait",
        SubPlaybook => "playbook",
        _ => "step",
    };
}

public sealed record Need(string StepId, Position Position);

public abstract record StepKind(Position Position);

public sealed record ActionCall(string Action, IReadOnlyList<Parameter> With, Position Position, Position WithPosition) : StepKind(Position);

public sealed record Parameter(string Name, ValueTemplate Value, Position Position);

public sealed record HumanTask(
    string Assignee, TextTemplate Title, TextTemplate? Instructions, TimeSpan? AckWithin, TimeSpan? DueWithin,
    string? EscalateTo, IReadOnlyList<string> Outputs, Position Position) : StepKind(Position)
{
    /// <summary>The outputs declared with a type (<c>outputs: { count: number, note: string }</c>), read as inputs are; none for a plain list of names.</summary>
    public IReadOnlyDictionary<string, InputType> OutputTypes { get; init; } = new Dictionary<string, InputType>();
}

public sealed record ApprovalRequest(IReadOnlyList<string> Approvers, int Quorum, TimeSpan? Within, Position Position) : StepKind(Position)
{
    /// <summary>Approvers the run's values give (<c>approvers: "{{ inputs.approvers }}"</c>), read as the step starts; then <see cref="Approvers"/> is empty.</summary>
    public TextTemplate? ApproversFrom { get; init; }

    /// <summary>A quorum the run's values give (<c>quorum: "{{ inputs.quorum }}"</c>), read as the step starts.</summary>
    public TextTemplate? QuorumFrom { get; init; }
}

/// <summary>Either a duration (written, or given by the run's values), or a signal of a type joining the incident within a time.</summary>
public sealed record WaitFor(TimeSpan? Duration, string? Signal, TimeSpan? Within, Position Position) : StepKind(Position)
{
    /// <summary>A duration the run's values give (<c>wait: "{{ inputs.duration }}"</c>), read as the step starts.</summary>
    public TextTemplate? DurationFrom { get; init; }
}

/// <summary>A step whose kind could not be read; it exists only so that its id still counts while errors are reported.</summary>
public sealed record UnreadableKind(Position Position) : StepKind(Position);

public sealed record SubPlaybook(string Playbook, IReadOnlyList<Parameter> With, Position Position, Position WithPosition) : StepKind(Position);
