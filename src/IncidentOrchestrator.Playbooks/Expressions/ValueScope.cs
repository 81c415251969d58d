namespace IncidentOrchestrator.Playbooks.Expressions;

/// <summary>What a step's expressions see at one moment of a run (or of a planned run).</summary>
public sealed class ValueScope : IExpressionScope
{
    public IReadOnlyDictionary<string, object?> Inputs { get; init; } = new Dictionary<string, object?>();
    public IReadOnlyDictionary<string, object?> Incident { get; init; } = new Dictionary<string, object?>();

    /// <summary>The triggering signal's fields, with its attributes under <c>attributes</c>; null for a manual run.</summary>
    public IReadOnlyDictionary<string, object?>? Signal { get; init; }

    public Dictionary<string, StepState> Steps { get; } = new(StringComparer.Ordinal);

    public sealed record StepState(string Outcome, IReadOnlyDictionary<string, object?> Outputs);

    public object? Resolve(IReadOnlyList<string> path) => path switch
    {
        ["inputs", var name] => Inputs.GetValueOrDefault(name),
        ["incident", var field] => Incident.GetValueOrDefault(field),
        ["signal", "attributes", var name] => Signal?.GetValueOrDefault("attributes") is IReadOnlyDictionary<string, object?> a ? a.GetValueOrDefault(name) : null,
        ["signal", var field] => Signal?.GetValueOrDefault(field),
        ["steps", var id, "outcome"] => Steps.GetValueOrDefault(id)?.Outcome,
        ["steps", var id, "outputs", var name] => Steps.GetValueOrDefault(id)?.Outputs.GetValueOrDefault(name),
        _ => null,
    };
}
