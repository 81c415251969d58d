using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Playbooks.Running;

/// <summary>
/// The incident's facts a step's <c>when</c> read when the step was decided, by name (only those it names). The run
/// records them with the decision, so a replay decides the step on what the run saw, not on the incident as it is now.
/// </summary>
public sealed record IncidentFactsRead(IReadOnlyDictionary<string, object?> Facts)
{
    /// <summary>The facts <paramref name="step"/>'s guard names, as <paramref name="scope"/> has them; null when it names none.</summary>
    public static IncidentFactsRead? Of(Step step, ValueScope scope)
    {
        if (step.When is not { } when) return null;
        var names = when.Expr.Paths().Where(p => p.Segments is ["incident", _]).Select(p => p.Segments[1]).Distinct(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? null : new IncidentFactsRead(names.ToDictionary(n => n, n => scope.Incident.GetValueOrDefault(n), StringComparer.Ordinal));
    }

    /// <summary>The incident as the guard saw it: <paramref name="now"/> with the facts it read put back.</summary>
    public IReadOnlyDictionary<string, object?> Over(IReadOnlyDictionary<string, object?> now)
    {
        var then = new Dictionary<string, object?>(now, StringComparer.Ordinal);
        foreach (var (name, value) in Facts) then[name] = value;
        return then;
    }
}
