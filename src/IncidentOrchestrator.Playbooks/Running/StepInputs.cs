using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;

namespace IncidentOrchestrator.Playbooks.Running;

/// <summary>
/// What a step starts with, rendered from what the run knows as it starts: an action's parameters (an undo's too), a child
/// run's inputs. A run, its dry run and its replay render alike, and what cannot be rendered (for a child: a playbook that
/// is not loaded, inputs it refuses) fails the step by its route as it starts, without an attempt of its own.
/// </summary>
public static class StepInputs
{
    /// <summary>The key beside a SQL parameter that holds the values its text binds (<c>$1</c>, <c>$2</c>…).</summary>
    public const string SqlArguments = "@arguments";

    /// <param name="Error">Why the step cannot start with them; null when it can.</param>
    public sealed record Rendered(IReadOnlyDictionary<string, object?> Values, string? Error);

    /// <summary>An action's parameters: a SQL parameter of the action becomes its text with placeholders and its values apart.</summary>
    public static Rendered ForAction(ActionCall call, ValueScope scope, IActionCatalog actions)
    {
        var sqlParameters = actions.Find(call.Action)?.SqlParameters ?? [];
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        try
        {
            foreach (var p in call.With)
            {
                if (sqlParameters.Contains(p.Name) && p.Value is TextValue sql)
                {
                    var (text, arguments) = sql.Template.RenderSql(scope);
                    values[p.Name] = text;
                    values[p.Name + SqlArguments] = arguments.ToList();
                }
                else values[p.Name] = p.Value.Render(scope);
            }
            return new Rendered(values, null);
        }
        catch (ExpressionException e)
        {
            return new Rendered(values, $"parameters cannot be rendered: {e.Message}");
        }
    }

    /// <summary>A child run's inputs, bound to the child playbook's declarations (<paramref name="child"/> null: it is not loaded).</summary>
    public static Rendered ForChild(SubPlaybook sub, ValueScope scope, Playbook? child)
    {
        if (child is null) return new Rendered(new Dictionary<string, object?>(), $"playbook '{sub.Playbook}' is not loaded");
        Dictionary<string, object?> rendered;
        try
        {
            rendered = sub.With.ToDictionary(p => p.Name, p => p.Value.Render(scope), StringComparer.Ordinal);
        }
        catch (ExpressionException e)
        {
            return new Rendered(new Dictionary<string, object?>(), $"the inputs of '{sub.Playbook}' cannot be rendered: {e.Message}");
        }
        var bound = InputBinding.Bind(child, rendered);
        return bound.IsValid
            ? new Rendered(bound.Values, null)
            : new Rendered(rendered, $"inputs of '{sub.Playbook}': {string.Join("; ", bound.Problems.Values)}");
    }
}
