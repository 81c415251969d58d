using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Playbooks;

public sealed record TriggerView(string Signal, string? When);

public sealed record PlaybookSummary(string Name, string Title, string Hash, IReadOnlyList<TriggerView> Triggers,
    string? Description, string? Severity, bool Restricted, string Subject);

public sealed record InputView(string Name, string Type, bool Required, object? Default, string? Description);

public sealed record StepView(string Id, string Kind, string? Title, string? Phase, IReadOnlyList<string> Needs, string? When,
    string OnFailure, string? Timeout, object? Retry, object Definition, object? Compensate);

/// <summary>The definition as loaded, with its hash and the exact text the hash is of.</summary>
public sealed record PlaybookDefinition(string Name, string Title, string Hash, string? Description, string? Severity, bool Restricted,
    IReadOnlyList<TriggerView> Triggers, IReadOnlyList<InputView> Inputs, IReadOnlyList<StepView> Steps, string File, string Source);

public static class PlaybookViews
{
    public static PlaybookSummary Summary(Playbook p) =>
        new(p.Name, p.Title, p.Hash, Triggers(p), p.Description, p.Severity, p.Restricted, p.Subject);

    public static PlaybookDefinition Definition(Playbook p) => new(
        p.Name, p.Title, p.Hash, p.Description, p.Severity, p.Restricted, Triggers(p),
        p.Inputs.Select(i => new InputView(i.Name, ApiJson.Name(i.Type), i.Required, i.Default, i.Description)).ToList(),
        p.Steps.Select(Step).ToList(), p.File, p.Source);

    private static IReadOnlyList<TriggerView> Triggers(Playbook p) => p.Triggers.Select(t => new TriggerView(t.Signal, t.When?.Text)).ToList();

    private static StepView Step(Step s) => new(
        s.Id, s.KindName, s.Title?.Template.Source, s.Phase, s.Needs.Select(n => n.StepId).ToList(), s.When?.Text,
        s.OnFailure.Name(), s.Timeout is { } t ? Durations.Format(t) : null,
        s.Retry is { } r ? new { r.Attempts, Backoff = Durations.Format(r.Backoff), MaxBackoff = Durations.Format(r.MaxBackoff) } : null,
        Kind(s.Kind), s.Compensate is { } c ? Call(c) : null);

    private static object Kind(StepKind kind) => kind switch
    {
        ActionCall call => Call(call),
        HumanTask t => new
        {
            t.Assignee, Title = t.Title.Template.Source, Instructions = t.Instructions?.Template.Source,
            AckWithin = Format(t.AckWithin), DueWithin = Format(t.DueWithin), t.EscalateTo, t.Outputs,
        },
        ApprovalRequest a => new
        {
            a.Approvers, a.Quorum, Within = Format(a.Within), ApproversFrom = a.ApproversFrom?.Template.Source, QuorumFrom = a.QuorumFrom?.Template.Source,
        },
        WaitFor w => new { Duration = Format(w.Duration), w.Signal, Within = Format(w.Within), DurationFrom = w.DurationFrom?.Template.Source },
        SubPlaybook sub => new { Playbook = sub.Playbook, With = With(sub.With) },
        _ => new { },
    };

    private static object Call(ActionCall call) => new { call.Action, With = With(call.With) };

    private static Dictionary<string, object?> With(IReadOnlyList<Parameter> with) => with.ToDictionary(p => p.Name, p => Source(p.Value));

    private static object? Source(ValueTemplate value) => value switch
    {
        TextValue t => t.Template.Source,
        ConstantValue c => c.Value,
        ListValue l => l.Items.Select(Source).ToList(),
        MapValue m => With(m.Entries),
        _ => null,
    };

    private static string? Format(TimeSpan? d) => d is { } v ? Durations.Format(v) : null;
}
