using System.Security.Cryptography;
using System.Text;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Parsing;

/// <summary>Binds a YAML document to the playbook model, reporting every shape problem it meets.</summary>
public static class PlaybookParser
{
    public const string ApiVersion = "incidents/v1";
    public const string Kind = "Playbook";

    private static readonly string[] RootKeys =
        ["apiVersion", "kind", "name", "title", "description", "subject", "severity", "restricted", "triggers", "inputs", "defaults", "steps"];
    private static readonly string[] StepKeys =
        ["id", "title", "phase", "needs", "when", "action", "with", "task", "approval", "wait", "playbook", "compensate", "onFailure", "timeout", "retry"];
    private static readonly string[] StepKinds = ["action", "task", "approval", "wait", "playbook"];

    /// <summary>
    /// Returns the playbook as far as it could be read, so that validation can report its other
    /// problems in the same pass; when <paramref name="errors"/> has any, nothing of it may be used.
    /// </summary>
    public static Playbook? Parse(string file, string text, ErrorSink errors, ReaderLimits? limits = null)
    {
        var root = YamlReader.Read(text, errors, limits);
        if (root is null) return null;
        var map = MapReader.Of(root, errors, "a playbook", RootKeys);
        if (map is null) return null;

        var apiVersion = map.Scalar("apiVersion", required: true);
        if (apiVersion is not null && apiVersion.Value != ApiVersion)
            errors.Add(apiVersion.Position, ErrorCodes.ApiVersion, $"apiVersion must be '{ApiVersion}', not '{apiVersion.Value}'");
        var kind = map.Scalar("kind", required: true);
        if (kind is not null && kind.Value != Kind)
            errors.Add(kind.Position, ErrorCodes.Kind, $"kind must be '{Kind}', not '{kind.Value}'");

        var name = map.Scalar("name", required: true);
        if (name is not null) Kebab(name, "name", errors);
        var title = map.Text("title", required: true);
        var severity = map.OneOf("severity", Severities.Ordered);
        var restricted = map.Bool("restricted") ?? false;
        var subject = map.OneOf("subject", Subjects.All) ?? Subjects.Incident;

        var triggers = ReadList(map.Node("triggers"), "triggers", errors, n => ReadTrigger(n, errors));
        var inputs = ReadInputs(map.Node("inputs"), errors);
        var defaults = ReadDefaults(map.Node("defaults"), errors);

        var stepsNode = map.Node("steps", required: true);
        var steps = ReadList(stepsNode, "steps", errors, n => ReadStep(n, errors));
        if (stepsNode is YSequence { Items.Count: 0 })
            errors.Add(stepsNode.Position, ErrorCodes.NoSteps, "a playbook needs at least one step");

        return new Playbook(name?.Value ?? "", title ?? "", map.Text("description"), severity, restricted, triggers, inputs, defaults, steps,
            HashOf(text), text, errors.File, name?.Position ?? map.Position) { Subject = subject };
    }

    public static string HashOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static List<T> ReadList<T>(YNode? node, string what, ErrorSink errors, Func<YNode, T?> read) where T : class
    {
        if (node is null) return [];
        if (node is not YSequence seq)
        {
            errors.Add(node.Position, ErrorCodes.WrongType, $"'{what}' must be a list, not {node.KindName}");
            return [];
        }
        return seq.Items.Select(read).OfType<T>().ToList();
    }

    private static Trigger? ReadTrigger(YNode node, ErrorSink errors)
    {
        var map = MapReader.Of(node, errors, "a trigger", "signal", "when");
        if (map is null) return null;
        var signal = map.Text("signal", required: true);
        var when = ReadCondition(map.Scalar("when"), errors);
        return signal is null ? null : new Trigger(signal, when, map.Position);
    }

    private static List<InputDefinition> ReadInputs(YNode? node, ErrorSink errors)
    {
        var inputs = new List<InputDefinition>();
        if (node is null) return inputs;
        if (node is not YMapping mapping)
        {
            errors.Add(node.Position, ErrorCodes.WrongType, $"'inputs' must be a mapping of input names, not {node.KindName}");
            return inputs;
        }
        _ = new MapReader(mapping, errors, "'inputs'", mapping.Entries.Select(e => e.Key.Value).ToArray()); // duplicates
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (!seen.Add(entry.Key.Value)) continue;
            if (!Names.IsIdentifier(entry.Key.Value))
                errors.Add(entry.Key.Position, ErrorCodes.BadName, $"input name '{entry.Key.Value}' must be letters, digits and underscores");
            if (ReadInput(entry.Key, entry.Value, errors) is { } input) inputs.Add(input);
        }
        return inputs;
    }

    private static InputDefinition? ReadInput(YScalar key, YNode node, ErrorSink errors)
    {
        var map = MapReader.Of(node, errors, $"input '{key.Value}'", "type", "required", "default", "description");
        if (map is null) return null;
        var typeScalar = map.Scalar("type", required: true);
        var type = typeScalar is null ? null : ReadType(typeScalar, "input", errors);
        var required = map.Bool("required") ?? false;
        object? defaultValue = null;
        if (map.Node("default") is { } defaultNode && type is { } t)
        {
            defaultValue = InputValues.FromYaml(defaultNode, t);
            if (defaultValue is null)
                errors.Add(defaultNode.Position, ErrorCodes.DefaultType, $"the default of '{key.Value}' is not a {t.ToString().ToLowerInvariant()}");
            if (required)
                errors.Add(map.KeyPosition("default"), ErrorCodes.RequiredWithDefault, $"input '{key.Value}' is required, so a default would never be used");
        }
        return type is null ? null : new InputDefinition(key.Value, type.Value, required, defaultValue, map.Text("description"), key.Position);
    }

    /// <summary>A value's declared type (an input's, a task output's): string, number, boolean or list.</summary>
    private static InputType? ReadType(YScalar scalar, string what, ErrorSink errors)
    {
        InputType? type = scalar.Value switch
        {
            "string" => InputType.String,
            "number" => InputType.Number,
            "boolean" => InputType.Boolean,
            "list" => InputType.List,
            _ => null,
        };
        if (type is null) errors.Add(scalar.Position, ErrorCodes.BadInputType, $"{what} type must be string, number, boolean or list, not '{scalar.Value}'");
        return type;
    }

    private static StepDefaults ReadDefaults(YNode? node, ErrorSink errors)
    {
        var map = MapReader.Of(node, errors, "'defaults'", "timeout", "retry");
        return map is null ? StepDefaults.None : new StepDefaults(map.Duration("timeout"), ReadRetry(map.Node("retry"), errors));
    }

    private static RetryPolicy? ReadRetry(YNode? node, ErrorSink errors)
    {
        var map = MapReader.Of(node, errors, "'retry'", "attempts", "backoff", "maxBackoff");
        if (map is null) return null;
        var attempts = map.Integer("attempts", required: true);
        if (attempts is < 1 or > 100)
            errors.Add(map.Scalar("attempts")!.Position, ErrorCodes.BadAttempts, "attempts must be between 1 and 100 (1 means no retry)");
        var backoff = map.Duration("backoff") ?? TimeSpan.FromSeconds(1);
        var maxBackoff = map.Duration("maxBackoff") ?? TimeSpan.FromMinutes(5);
        return attempts is null ? null : new RetryPolicy(attempts.Value, backoff, maxBackoff < backoff ? backoff : maxBackoff);
    }

    private static Step? ReadStep(YNode node, ErrorSink errors)
    {
        var map = MapReader.Of(node, errors, "a step", StepKeys);
        if (map is null) return null;
        var idScalar = map.Scalar("id", required: true);
        if (idScalar is not null) Kebab(idScalar, "step id", errors);
        var what = idScalar is null ? "a step" : $"step '{idScalar.Value}'";

        var kinds = StepKinds.Where(map.Has).ToArray();
        if (kinds.Length == 0)
            errors.Add(map.Position, ErrorCodes.StepKindMissing, $"{what} needs exactly one of action, task, approval, wait or playbook");
        foreach (var extra in kinds.Skip(1))
            errors.Add(map.KeyPosition(extra), ErrorCodes.StepKindMany, $"{what} has both '{kinds[0]}' and '{extra}'; a step has exactly one kind");

        var kind = kinds.FirstOrDefault();
        if (map.Has("with") && kind is not ("action" or "playbook"))
            errors.Add(map.KeyPosition("with"), ErrorCodes.NotAllowed, "'with' belongs to action and playbook steps");
        if (map.Has("compensate") && kind is not "action")
            errors.Add(map.KeyPosition("compensate"), ErrorCodes.CompensateNotAction, "only action steps can be compensated");

        StepKind? stepKind = kind switch
        {
            "action" => ReadActionCall(map.Scalar("action"), map.Node("with"), map.KeyPosition("with"), errors),
            "task" => ReadTask(map.Node("task")!, errors),
            "approval" => ReadApproval(map.Node("approval")!, errors),
            "wait" => ReadWait(map.Node("wait")!, errors),
            "playbook" => ReadSubPlaybook(map.Scalar("playbook"), map.Node("with"), map.KeyPosition("with"), errors),
            _ => null,
        };

        var needs = map.ScalarList("needs").Select(n => new Need(n.Value, n.Position)).ToList();
        var title = ReadText(map.Scalar("title"), errors);
        var phase = map.OneOf("phase", Phases.All);
        var when = ReadCondition(map.Scalar("when"), errors);
        var timeout = map.Duration("timeout");
        var retry = ReadRetry(map.Node("retry"), errors);
        var onFailure = FailureRoutes.Parse(map.OneOf("onFailure", FailureRoutes.Names));
        ActionCall? compensate = null;
        if (map.Node("compensate") is { } compensateNode && MapReader.Of(compensateNode, errors, "'compensate'", "action", "with") is { } c)
            compensate = ReadActionCall(c.Scalar("action", required: true), c.Node("with"), c.KeyPosition("with"), errors);

        if (idScalar is null) return null;
        return new Step(idScalar.Value, title, phase, needs, when, stepKind ?? new UnreadableKind(map.Position), timeout, retry, onFailure,
            compensate, map.Position);
    }

    private static ActionCall? ReadActionCall(YScalar? action, YNode? with, Position withPosition, ErrorSink errors) =>
        action is null ? null : new ActionCall(action.Value, ReadParameters(with, errors), action.Position, with is null ? action.Position : withPosition);

    private static SubPlaybook? ReadSubPlaybook(YScalar? name, YNode? with, Position withPosition, ErrorSink errors)
    {
        if (name is null) return null;
        Kebab(name, "playbook", errors);
        return new SubPlaybook(name.Value, ReadParameters(with, errors), name.Position, with is null ? name.Position : withPosition);
    }

    private static IReadOnlyList<Parameter> ReadParameters(YNode? node, ErrorSink errors)
    {
        if (node is null) return [];
        if (node is not YMapping map)
        {
            errors.Add(node.Position, ErrorCodes.WrongType, $"'with' must be a mapping, not {node.KindName}");
            return [];
        }
        _ = new MapReader(map, errors, "'with'", map.Entries.Select(e => e.Key.Value).ToArray()); // duplicates
        return map.Entries.DistinctBy(e => e.Key.Value).Select(e => new Parameter(e.Key.Value, ReadValue(e.Value, errors), e.Key.Position)).ToList();
    }

    private static ValueTemplate ReadValue(YNode node, ErrorSink errors) => node switch
    {
        YScalar { IsNull: true } s => new ConstantValue(null, s.Position),
        YScalar { Quoted: false } s when s.AsBool is { } b => new ConstantValue(b, s.Position),
        YScalar { Quoted: false } s when s.AsNumber is { } n => new ConstantValue(n, s.Position),
        YScalar s => ReadText(s, errors) is { } t ? new TextValue(t.Template, t.Position) : new ConstantValue(s.Value, s.Position),
        YSequence seq => new ListValue(seq.Items.Select(i => ReadValue(i, errors)).ToList(), seq.Position),
        YMapping map => new MapValue(map.Entries.DistinctBy(e => e.Key.Value)
            .Select(e => new Parameter(e.Key.Value, ReadValue(e.Value, errors), e.Key.Position)).ToList(), map.Position),
        _ => new ConstantValue(null, node.Position),
    };

    private static HumanTask? ReadTask(YNode node, ErrorSink errors)
    {
        var map = MapReader.Of(node, errors, "'task'", "assignee", "title", "instructions", "ackWithin", "dueWithin", "escalateTo", "outputs");
        if (map is null) return null;
        var assignee = map.Scalar("assignee", required: true);
        if (assignee is not null) Principal(assignee, errors);
        var escalateTo = map.Scalar("escalateTo");
        if (escalateTo is not null && !Principals.IsValidEscalation(escalateTo.Value))
            errors.Add(escalateTo.Position, ErrorCodes.BadPrincipal,
                $"'{escalateTo.Value}' must be oncall:<rotation>, role:<role>, user:<id> or policy:<escalation policy>");
        var titleScalar = map.Scalar("title", required: true);
        var title = ReadText(titleScalar, errors);
        var instructions = ReadText(map.Scalar("instructions"), errors);
        var outputs = new List<string>();
        var types = new Dictionary<string, InputType>(StringComparer.Ordinal);
        // A list of names (each is text), or a mapping of names to their types, as inputs declare theirs.
        var typed = map.Node("outputs") as YMapping;
        var declared = typed is not null
            ? typed.Entries.Select(e => (Name: e.Key, Type: e.Value is YScalar t && !t.IsNull ? ReadType(t, $"output '{e.Key.Value}'", errors) : Wrong(e.Value)))
            : map.ScalarList("outputs").Select(o => (Name: o, Type: (InputType?)null));
        foreach (var (output, type) in declared.ToList())
        {
            if (!Names.IsIdentifier(output.Value))
                errors.Add(output.Position, ErrorCodes.BadName, $"output name '{output.Value}' must be letters, digits and underscores");
            else if (outputs.Contains(output.Value))
                errors.Add(output.Position, ErrorCodes.DuplicateOutput, $"output '{output.Value}' is listed twice");
            else
            {
                outputs.Add(output.Value);
                if (type is { } t) types[output.Value] = t; // declared with a type, text included
            }
        }

        InputType? Wrong(YNode node)
        {
            errors.Add(node.Position, ErrorCodes.WrongType, $"an output's type must be string, number, boolean or list, not {node.KindName}");
            return null;
        }
        var ackWithin = map.Duration("ackWithin");
        var dueWithin = map.Duration("dueWithin");
        return assignee is null || title is null ? null
            : new HumanTask(assignee.Value, title, instructions, ackWithin, dueWithin, escalateTo?.Value, outputs, map.Position) { OutputTypes = types };
    }

    private static ApprovalRequest? ReadApproval(YNode node, ErrorSink errors)
    {
        var map = MapReader.Of(node, errors, "'approval'", "approvers", "quorum", "within");
        if (map is null) return null;
        // A template names the run's values that say who approves (a list of principals), and how many: read as the step starts.
        var approversGiven = Given(map.Node("approvers"));
        var approversFrom = approversGiven is null ? null : ReadText(approversGiven, errors);
        var approvers = approversGiven is null ? map.ScalarList("approvers") : [];
        if (!map.Has("approvers") || (approversGiven is null && approvers.Count == 0))
            errors.Add(map.Position, ErrorCodes.Missing, "an approval needs at least one approver");
        foreach (var approver in approvers) Principal(approver, errors);
        var quorumGiven = Given(map.Node("quorum"));
        var quorumFrom = quorumGiven is null ? null : ReadText(quorumGiven, errors);
        var quorum = quorumGiven is null ? map.Integer("quorum") ?? 1 : 1;
        if (quorum < 1)
            errors.Add(map.Scalar("quorum")!.Position, ErrorCodes.BadQuorum, "quorum must be a positive number of distinct people");
        return new ApprovalRequest(approvers.Select(a => a.Value).ToList(), quorum, map.Duration("within"), map.Position)
        {
            ApproversFrom = approversFrom, QuorumFrom = quorumFrom,
        };
    }

    /// <summary>A value the run gives: text with a <c>{{ }}</c> hole, instead of the value written out.</summary>
    private static YScalar? Given(YNode? node) => node is YScalar { Value: var text } scalar && text.Contains("{{", StringComparison.Ordinal) ? scalar : null;

    private static WaitFor? ReadWait(YNode node, ErrorSink errors)
    {
        if (Given(node) is { } given)
            return ReadText(given, errors) is { } from ? new WaitFor(null, null, null, given.Position) { DurationFrom = from } : null;
        if (node is YScalar scalar)
            return MapReader.ParseDuration(scalar, "wait", errors) is { } d ? new WaitFor(d, null, null, scalar.Position) : null;
        var map = MapReader.Of(node, errors, "'wait'", "signal", "within");
        if (map is null) return null;
        var signal = map.Text("signal", required: true);
        var within = map.Duration("within", required: true);
        return signal is null || within is null ? null : new WaitFor(null, signal, within, map.Position);
    }

    private static Condition? ReadCondition(YScalar? scalar, ErrorSink errors)
    {
        if (scalar is null) return null;
        try
        {
            return new Condition(scalar.Value, ExpressionParser.Parse(scalar.Value), Inside(scalar, 0));
        }
        catch (ExpressionException e)
        {
            errors.Add(Inside(scalar, e.Offset), ErrorCodes.ExpressionSyntax, $"in expression '{scalar.Value}': {e.Message}");
            return null;
        }
    }

    private static TextTemplate? ReadText(YScalar? scalar, ErrorSink errors)
    {
        if (scalar is null) return null;
        try
        {
            return new TextTemplate(Template.Parse(scalar.Value), Inside(scalar, 0));
        }
        catch (ExpressionException e)
        {
            errors.Add(Inside(scalar, e.Offset), ErrorCodes.ExpressionSyntax, $"in template '{scalar.Value}': {e.Message}");
            return null;
        }
    }

    /// <summary>Where an offset inside a one-line scalar stands in the file (quotes shift it by one).</summary>
    public static Position Inside(YScalar scalar, int offset) =>
        scalar.Value.Contains('\n') ? scalar.Position : scalar.Position.Advance(offset + (scalar.Quoted ? 1 : 0));

    private static void Kebab(YScalar scalar, string what, ErrorSink errors)
    {
        if (!Names.IsKebabCase(scalar.Value))
            errors.Add(scalar.Position, ErrorCodes.BadName, $"{what} '{scalar.Value}' must be kebab-case (lower-case words joined by '-')");
    }

    private static void Principal(YScalar scalar, ErrorSink errors)
    {
        if (!Principals.IsValid(scalar.Value))
            errors.Add(scalar.Position, ErrorCodes.BadPrincipal,
                $"'{scalar.Value}' must be oncall:<rotation>, role:<role> or user:<id>");
    }
}
