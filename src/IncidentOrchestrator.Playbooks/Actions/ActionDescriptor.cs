namespace IncidentOrchestrator.Playbooks.Actions;

/// <summary>
/// What a playbook may pass to an action: required and optional parameters, groups of which
/// exactly one must be given (for example table or schema), and the outputs it records.
/// </summary>
public sealed record ActionDescriptor(
    string Name,
    string Description,
    IReadOnlyList<string> Required,
    IReadOnlyList<string> Optional,
    IReadOnlyList<string[]> ExactlyOneOf,
    IReadOnlyList<string> Outputs)
{
    public IEnumerable<string> AllParameters => Required.Concat(Optional).Concat(ExactlyOneOf.SelectMany(g => g));

    /// <summary>
    /// Parameters that hold SQL: a template hole inside them is rendered as a bind parameter
    /// (<c>$1</c>, <c>$2</c>…) with its value passed separately, never spliced into the text.
    /// </summary>
    public IReadOnlyList<string> SqlParameters { get; init; } = [];

    /// <summary>The step must come after an approval step (in its needs, directly or through others).</summary>
    public bool RequiresApproval { get; init; }

    /// <summary>
    /// Its whole effect is events on its own incident, worked out from the incident: a run executes it inside its own turn,
    /// so it ends in the turn that starts it (a plan ends such steps first).
    /// </summary>
    public bool RunsInTheRunsTurn { get; init; }
}

/// <summary>The actions an installation has; the service adds its implementations behind the same names.</summary>
public interface IActionCatalog
{
    ActionDescriptor? Find(string name);
    IEnumerable<ActionDescriptor> All { get; }
}
