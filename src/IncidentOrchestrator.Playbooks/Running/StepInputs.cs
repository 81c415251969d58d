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

    /// <summary>Who an approval asks and how many must approve, as the step starts: written, or given by the run's values.</summary>
    public sealed record Asked(IReadOnlyList<string> Approvers, int Quorum, string? Error);

    public static Asked ForApproval(ApprovalRequest approval, ValueScope scope)
    {
        try
        {
            IReadOnlyList<string> approvers = approval.Approvers;
            if (approval.ApproversFrom is { } from)
            {
                // Read as a list input is: a list, or text with items separated by commas or lines.
                var value = from.Template.Render(scope);
                if (!InputValues.TryConvert(value, InputType.List, out var list) || list is not IReadOnlyList<object?> items)
                    return new Asked([], approval.Quorum, $"'{Evaluator.Display(value)}' is not a list of approvers");
                approvers = items.Select(Evaluator.Display).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            }
            if (approvers.Count == 0) return new Asked(approvers, approval.Quorum, "no approver is given");
            if (approvers.FirstOrDefault(a => !Principals.IsValid(a)) is { } wrong)
                return new Asked(approvers, approval.Quorum, $"'{wrong}' is not an approver (user:<id>, role:<role> or oncall:<rotation>)");
            if (approval.QuorumFrom is not { } q) return new Asked(approvers, approval.Quorum, approval.ApproversFrom is null ? null : Reachable(approval.Quorum, approvers));

            // Read as a number input is: 2, or the text "2".
            var given = q.Template.Render(scope);
            return InputValues.TryConvert(given, InputType.Number, out var number) && number is decimal n && n is >= 1 and <= int.MaxValue && n == decimal.Floor(n)
                ? new Asked(approvers, (int)n, Reachable((int)n, approvers))
                : new Asked(approvers, approval.Quorum, $"the quorum '{Evaluator.Display(given)}' is not a positive whole number of distinct people");
        }
        catch (ExpressionException e)
        {
            return new Asked([], approval.Quorum, $"the approvers or the quorum cannot be rendered: {e.Message}");
        }
    }

    /// <summary>Why a quorum the run gave cannot be reached by the people it names (approvers by role or rotation may be many), or null.</summary>
    private static string? Reachable(int quorum, IReadOnlyList<string> approvers) =>
        quorum > approvers.Count && approvers.All(a => a.StartsWith("user:", StringComparison.Ordinal))
            ? $"a quorum of {quorum} cannot be reached by {approvers.Count} named people"
            : null;

    /// <summary>How long a wait lasts, as the step starts: written, or a duration the run's values give (<c>90m</c>, <c>4h</c>, <c>14d</c>).</summary>
    public static (TimeSpan? Duration, string? Error) ForWait(WaitFor wait, ValueScope scope)
    {
        if (wait.DurationFrom is not { } from) return (wait.Duration, null);
        try
        {
            var text = from.Render(scope);
            return Durations.TryParse(text, out var duration)
                ? (duration, null)
                : (null, $"'{text}' is not a duration (like 90m, 4h or 14d)");
        }
        catch (ExpressionException e)
        {
            return (null, $"the wait cannot be rendered: {e.Message}");
        }
    }
}
