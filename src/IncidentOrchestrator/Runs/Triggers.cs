using System.Text.Json;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Signals;

namespace IncidentOrchestrator.Runs;

/// <summary>A playbook whose trigger matched a signal, with the inputs its attributes give it.</summary>
public sealed record TriggerMatch(Playbook Playbook, InputBinding.Result Inputs);

public static class Triggers
{
    /// <summary>Every loaded playbook with a trigger for this signal's type whose <c>when</c> holds.</summary>
    public static IReadOnlyList<TriggerMatch> Match(PlaybookLibrary library, SubmitSignal signal, DateTimeOffset observedAt)
    {
        var facts = Facts(signal, observedAt);
        var scope = new ValueScope { Signal = JsonValues.ToPlain(facts) };
        var attributes = JsonValues.ToPlain(signal.Attributes);
        var matches = new List<TriggerMatch>();
        foreach (var playbook in library.Playbooks.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (!playbook.Triggers.Any(t => t.Signal == signal.Type && (t.When is null || Holds(t.When, scope)))) continue;
            var inputs = attributes.Where(a => playbook.Input(a.Key) is not null).ToDictionary(a => a.Key, a => a.Value);
            matches.Add(new TriggerMatch(playbook, InputBinding.Bind(playbook, inputs)));
        }
        return matches;
    }

    /// <summary>The signal as expressions read it: <c>signal.type</c>, <c>signal.attributes.x</c>, …</summary>
    public static Dictionary<string, JsonElement> Facts(SubmitSignal signal, DateTimeOffset observedAt) => new()
    {
        ["type"] = JsonSerializer.SerializeToElement(signal.Type),
        ["severity"] = JsonSerializer.SerializeToElement(ApiJson.Name(signal.Severity!.Value)),
        ["source"] = JsonSerializer.SerializeToElement(signal.Source),
        ["fingerprint"] = JsonSerializer.SerializeToElement(signal.Fingerprint),
        ["title"] = JsonSerializer.SerializeToElement(signal.Title),
        ["observedAt"] = JsonSerializer.SerializeToElement(observedAt),
        ["attributes"] = JsonSerializer.SerializeToElement(signal.Attributes ?? []),
    };

    private static bool Holds(Condition when, IExpressionScope scope)
    {
        try { return Evaluator.Condition(when.Expr, scope); }
        catch (ExpressionException) { return false; }
    }
}
