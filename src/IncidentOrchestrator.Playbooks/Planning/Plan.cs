namespace IncidentOrchestrator.Playbooks.Planning;

/// <summary>What a run would do, step by step, without doing any of it.</summary>
public sealed record Plan(
    string Playbook,
    string Hash,
    string Outcome,
    int Waves,
    IReadOnlyList<PlannedStep> Steps,
    IReadOnlyList<PlannedCompensation> Compensations);

/// <summary>
/// <see cref="Disposition"/>: <c>run</c> (an action executes), <c>wait</c> (for a person, a timer, a signal
/// or a child run), <c>skip</c>, <c>fail</c> (its <c>when</c> cannot be evaluated), <c>escalate</c> (fails and waits for the
/// commander) or <c>not-reached</c>. A step that started but was cancelled when the run ended first has the
/// <see cref="Outcome"/> <c>cancelled</c>.
/// </summary>
public sealed record PlannedStep(
    string Id,
    string Kind,
    string? Phase,
    int? Wave,
    string Disposition,
    string? Outcome,
    string Reason,
    string? Title,
    string? Action,
    IReadOnlyDictionary<string, object?>? With);

public sealed record PlannedCompensation(int Order, string Step, string Action, IReadOnlyDictionary<string, object?> With);
