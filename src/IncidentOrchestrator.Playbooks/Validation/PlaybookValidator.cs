using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Parsing;
using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Validation;

/// <summary>
/// The rules one playbook must meet on its own: a step graph without unknown needs or cycles,
/// expressions that only read what exists before them, and actions called with exactly their parameters.
/// </summary>
public static class PlaybookValidator
{
    public static void Validate(Playbook playbook, IActionCatalog actions, ErrorSink errors)
    {
        var steps = UniqueSteps(playbook, errors);
        CheckNeeds(playbook, steps, errors);
        if (playbook.Subject != Subjects.Incident)
            foreach (var trigger in playbook.Triggers)
                errors.Add(trigger.Position, ErrorCodes.WrongSubject,
                    $"a playbook for an {playbook.Subject} is started by the {playbook.Subject} itself, not by a signal: it has no triggers");
        var ancestors = Ancestors(playbook, steps, errors);

        foreach (var trigger in playbook.Triggers)
            if (trigger.When is { } when) CheckExpression(when.Expr, when.Position, when.Text, Scope.Trigger(), errors);

        foreach (var step in playbook.Steps)
        {
            var visible = ancestors.TryGetValue(step.Id, out var before) ? before : [];
            var scope = new Scope(playbook, steps, visible, actions);
            if (step.When is { } when) CheckExpression(when.Expr, when.Position, when.Text, scope, errors);
            if (step.Title is { } title) CheckTemplate(title.Template, title.Position, scope, errors);

            switch (step.Kind)
            {
                case ActionCall call:
                    CheckAction(call, actions, scope, errors);
                    if (actions.Find(call.Action) is { RequiresApproval: true } && !visible.Any(id => steps.GetValueOrDefault(id)?.Kind is ApprovalRequest { ApproversFrom: null, QuorumFrom: null }))
                        errors.Add(call.Position, ErrorCodes.ApprovalFirst,
                            $"'{call.Action}' must come after an approval step whose approvers and quorum are written in the playbook (not given by the run, which whoever starts it chooses): put one in the needs of '{step.Id}'");
                    break;
                case HumanTask task:
                    CheckTemplate(task.Title.Template, task.Title.Position, scope, errors);
                    if (task.Instructions is { } instructions) CheckTemplate(instructions.Template, instructions.Position, scope, errors);
                    break;
                case ApprovalRequest approval:
                    foreach (var given in new[] { approval.ApproversFrom, approval.QuorumFrom }.OfType<TextTemplate>())
                        CheckTemplate(given.Template, given.Position, scope, errors);
                    break;
                case WaitFor { DurationFrom: { } duration }:
                    CheckTemplate(duration.Template, duration.Position, scope, errors);
                    break;
                case SubPlaybook sub:
                    foreach (var p in sub.With)
                    foreach (var (template, at) in p.Value.Templates())
                        CheckTemplate(template, at, scope, errors);
                    break;
            }

            if (step.Compensate is { } compensate)
            {
                var withSelf = new HashSet<string>(visible) { step.Id };
                CheckAction(compensate, actions, new Scope(playbook, steps, withSelf, actions), errors);
            }
        }
    }

    private static Dictionary<string, Step> UniqueSteps(Playbook playbook, ErrorSink errors)
    {
        var steps = new Dictionary<string, Step>(StringComparer.Ordinal);
        foreach (var step in playbook.Steps)
            if (!steps.TryAdd(step.Id, step))
                errors.Add(step.Position, ErrorCodes.DuplicateStepId, $"step id '{step.Id}' is used twice; ids are unique in a playbook");
        return steps;
    }

    private static void CheckNeeds(Playbook playbook, Dictionary<string, Step> steps, ErrorSink errors)
    {
        foreach (var step in playbook.Steps)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var need in step.Needs)
            {
                if (!seen.Add(need.StepId))
                    errors.Add(need.Position, ErrorCodes.DuplicateNeed, $"'{need.StepId}' is listed twice in the needs of '{step.Id}'");
                else if (!steps.ContainsKey(need.StepId))
                    errors.Add(need.Position, ErrorCodes.UnknownNeed, $"step '{step.Id}' needs '{need.StepId}', which is no step of this playbook");
            }
        }
    }

    /// <summary>For each step, every step guaranteed to end before it starts; reports cycles.</summary>
    private static Dictionary<string, HashSet<string>> Ancestors(Playbook playbook, Dictionary<string, Step> steps, ErrorSink errors)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var path = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal);

        HashSet<string> Visit(Step step)
        {
            if (state.GetValueOrDefault(step.Id) == 2) return result[step.Id];
            state[step.Id] = 1;
            path.Add(step.Id);
            var ancestors = new HashSet<string>(StringComparer.Ordinal);
            foreach (var need in step.Needs)
            {
                if (!steps.TryGetValue(need.StepId, out var parent)) continue;
                if (state.GetValueOrDefault(parent.Id) == 1)
                {
                    var cycle = path.Skip(path.IndexOf(parent.Id)).Append(parent.Id).ToList();
                    if (reported.Add(string.Join(",", cycle.Skip(1).Order())))
                        errors.Add(need.Position, ErrorCodes.Cycle, $"the needs form a cycle: {string.Join(" -> ", cycle)}");
                    continue;
                }
                ancestors.Add(parent.Id);
                ancestors.UnionWith(Visit(parent));
            }
            path.RemoveAt(path.Count - 1);
            state[step.Id] = 2;
            return result[step.Id] = ancestors;
        }

        foreach (var step in steps.Values) Visit(step);
        return result;
    }

    private static void CheckAction(ActionCall call, IActionCatalog actions, Scope scope, ErrorSink errors)
    {
        foreach (var p in call.With)
        foreach (var (template, at) in p.Value.Templates())
            CheckTemplate(template, at, scope, errors);

        var descriptor = actions.Find(call.Action);
        if (descriptor is null)
        {
            errors.Add(call.Position, ErrorCodes.UnknownAction, $"unknown action '{call.Action}'");
            return;
        }
        var given = call.With.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in descriptor.Required.Where(r => !given.Contains(r)))
            errors.Add(call.WithPosition, ErrorCodes.MissingParameter, $"action '{call.Action}' needs parameter '{missing}'");
        var known = descriptor.AllParameters.ToHashSet(StringComparer.Ordinal);
        foreach (var unknown in call.With.Where(p => !known.Contains(p.Name)))
            errors.Add(unknown.Position, ErrorCodes.UnknownParameter,
                $"action '{call.Action}' has no parameter '{unknown.Name}' (it takes {string.Join(", ", descriptor.AllParameters)})");
        foreach (var group in descriptor.ExactlyOneOf)
        {
            var count = group.Count(given.Contains);
            if (count != 1)
                errors.Add(call.WithPosition, ErrorCodes.ParameterChoice,
                    $"action '{call.Action}' needs exactly one of {string.Join(" or ", group)}, not {count}");
        }
    }

    private static void CheckTemplate(Template template, Position at, Scope scope, ErrorSink errors)
    {
        foreach (var expr in template.Expressions)
            CheckExpression(expr, at, template.Source, scope, errors);
    }

    /// <summary><paramref name="at"/> is where the expression text starts in the file.</summary>
    private static void CheckExpression(Expr expr, Position at, string text, Scope scope, ErrorSink errors)
    {
        foreach (var path in expr.Paths())
            if (scope.Check(path) is { } problem)
                errors.Add(text.Contains('\n') ? at : at.Advance(path.Offset), problem.Code, problem.Message);
    }

    /// <summary>What an expression at one place in a playbook may read.</summary>
    private sealed class Scope(Playbook playbook, Dictionary<string, Step> steps, IReadOnlySet<string> before, IActionCatalog actions)
    {
        private bool _inTrigger;

        public static Scope Trigger() => new(null!, [], new HashSet<string>(), BuiltInActions.Catalog) { _inTrigger = true };

        public (string Code, string Message)? Check(PathExpr path)
        {
            var s = path.Segments;
            switch (s[0])
            {
                case "signal":
                    if (s.Count == 2 && PathRules.SignalFields.Contains(s[1])) return null;
                    if (s.Count == 3 && s[1] == "attributes") return null;
                    return (ErrorCodes.UnknownPath, $"'{path.Text}' is no signal field (known: {string.Join(", ", PathRules.SignalFields)}, attributes.<name>)");
                case "incident" when !_inTrigger:
                    return s.Count == 2 && PathRules.IncidentFields.Contains(s[1])
                        ? null
                        : (ErrorCodes.UnknownPath, $"'{path.Text}' is no incident field (known: {string.Join(", ", PathRules.IncidentFields)})");
                case "inputs" when !_inTrigger:
                    return s.Count == 2 && playbook.Input(s[1]) is not null
                        ? null
                        : (ErrorCodes.UnknownPath, $"'{path.Text}' names no declared input{(playbook.Inputs.Count > 0 ? $" (declared: {string.Join(", ", playbook.Inputs.Select(i => i.Name))})" : "")}");
                case "steps" when !_inTrigger:
                    return CheckStep(path);
                default:
                    return (ErrorCodes.UnknownPath, _inTrigger
                        ? $"'{path.Text}': a trigger can read only signal fields"
                        : $"'{path.Text}' is unknown; paths start with inputs, incident, signal or steps");
            }
        }

        private (string, string)? CheckStep(PathExpr path)
        {
            var s = path.Segments;
            if (s.Count < 3 || !PathRules.StepFields.Contains(s[2]) || (s[2] == "outcome" && s.Count != 3) || (s[2] == "outputs" && s.Count != 4))
                return (ErrorCodes.UnknownPath, $"'{path.Text}' must be steps.<id>.outcome or steps.<id>.outputs.<name>");
            if (!steps.TryGetValue(s[1], out var step))
                return (ErrorCodes.UnknownPath, $"'{path.Text}' names no step of this playbook");
            if (!before.Contains(s[1]))
                return (ErrorCodes.StepNotBefore, $"'{path.Text}' reads step '{s[1]}', which does not surely end before this point; add it to needs");
            if (s[2] == "outputs" && !Outputs(step).Contains(s[3]))
                return (ErrorCodes.UnknownOutput, $"step '{s[1]}' declares no output '{s[3]}'{(Outputs(step).Any() ? $" (it has {string.Join(", ", Outputs(step))})" : "")}");
            return null;
        }

        private IEnumerable<string> Outputs(Step step) => step.Kind switch
        {
            HumanTask task => task.Outputs,
            ActionCall call => actions.Find(call.Action)?.Outputs ?? [],
            _ => [],
        };
    }
}
