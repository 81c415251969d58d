using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Playbooks.Planning;

/// <summary>
/// The one rule for a step whose needs have all ended. A run, a dry run and a replay ask it alike, so they cannot
/// disagree: the step is skipped when a need failed, or was skipped by its own <c>when</c> (no other skip travels), or its
/// own <c>when</c> is false; it fails when its <c>when</c> cannot be evaluated (a guard that cannot be read never lets a
/// step through, nor waves it past: its <c>onFailure</c> route decides); otherwise it starts.
/// </summary>
public abstract record StepDecision
{
    public sealed record Start : StepDecision;

    /// <param name="ByWhen">Skipped by its own <c>when</c>: only such a skip travels to the steps that need it.</param>
    /// <param name="NeedFailed">Skipped because a step it needs failed: unlike a step its guard found not needed, it did not do its part.</param>
    public sealed record Skip(string Reason, bool ByWhen, bool NeedFailed = false) : StepDecision;

    public sealed record Fail(string Reason) : StepDecision;

    /// <summary>How one need ended: its outcome, and whether its own <c>when</c> skipped it.</summary>
    public readonly record struct NeedEnd(string? Outcome, bool SkippedByWhen);

    public static StepDecision For(Step step, Func<string, NeedEnd> needs, ValueScope scope)
    {
        if (step.Needs.FirstOrDefault(n => needs(n.StepId).Outcome == Outcomes.Failed) is { } failed)
            return new Skip($"needs '{failed.StepId}', which failed", ByWhen: false, NeedFailed: true);
        if (step.Needs.FirstOrDefault(n => needs(n.StepId).SkippedByWhen) is { } skipped)
            return new Skip($"needs '{skipped.StepId}', which was skipped because its when is false", ByWhen: false);
        if (step.When is not { } when) return new Start();
        try
        {
            return Evaluator.Condition(when.Expr, scope) ? new Start() : new Skip($"when '{when.Text}' is false", ByWhen: true);
        }
        catch (ExpressionException e)
        {
            return new Fail($"when '{when.Text}' cannot be evaluated: {e.Message}");
        }
    }

    /// <summary>
    /// What an undo's parameters are rendered from: the run's inputs, signal and step results, not the incident (an undo
    /// may run long after the incident moved on; the run renders it so, and so does the plan).
    /// </summary>
    public static ValueScope ForCompensation(ValueScope scope)
    {
        var undo = new ValueScope { Inputs = scope.Inputs, Signal = scope.Signal };
        foreach (var (id, state) in scope.Steps) undo.Steps[id] = state;
        return undo;
    }
}

/// <summary>The facts of an incident a playbook's expressions see as <c>incident.*</c>: the same six in a run and in a plan.</summary>
public static class IncidentFacts
{
    public static Dictionary<string, object?> Of(string? id, string? title, string severity, bool restricted, string status, string? phase) => new()
    {
        ["id"] = id,
        ["title"] = title,
        ["severity"] = severity,
        ["restricted"] = restricted,
        ["status"] = status,
        ["phase"] = phase,
    };

    /// <summary>What a dry run assumes of the incident it plans for: a new one, open and in triage, as a run would start on.</summary>
    public static Dictionary<string, object?> Preview(string severity, bool restricted) =>
        Of(null, null, severity, restricted, "open", "triage");
}
