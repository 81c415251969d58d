using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Playbooks.Planning;

/// <summary>
/// Simulates a run in waves: a step is decided once all its needs are; independent steps share a wave.
/// Outcomes come from <c>decisions</c> when given, else the usual outcome of the step's kind.
/// </summary>
public static class Planner
{
    /// <param name="Outputs">Known outputs of steps (a recorded run's, for a replay); a decided step without them has none.</param>
    public sealed record Request(
        IReadOnlyDictionary<string, object?> Inputs,
        IReadOnlyDictionary<string, object?> Incident,
        IReadOnlyDictionary<string, object?>? Signal,
        IReadOnlyDictionary<string, string> Decisions,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? Outputs = null);

    /// <summary>Problems with the request itself (inputs, decisions), keyed by field; empty when it can be planned.</summary>
    public static IReadOnlyDictionary<string, string> Check(Playbook playbook, Request request)
    {
        var problems = InputBinding.Bind(playbook, request.Inputs).Problems.ToDictionary(p => $"inputs.{p.Key}", p => p.Value);
        foreach (var (field, problem) in CheckDecisions(playbook, request.Decisions)) problems[field] = problem;
        return problems;
    }

    /// <summary>Decisions that name no step of the playbook, or an outcome its step cannot end with, keyed by field.</summary>
    public static IReadOnlyDictionary<string, string> CheckDecisions(Playbook playbook, IReadOnlyDictionary<string, string> decisions)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (stepId, outcome) in decisions)
        {
            var step = playbook.Step(stepId);
            if (step is null) problems[$"decisions.{stepId}"] = $"playbook '{playbook.Name}' has no step '{stepId}'";
            else if (!Outcomes.For(step.Kind).Contains(outcome))
                problems[$"decisions.{stepId}"] = $"a {step.KindName} step ends {string.Join(" or ", Outcomes.For(step.Kind))}, not '{outcome}'";
        }
        return problems;
    }

    public static Plan Make(Playbook playbook, Request request)
    {
        var scope = new ValueScope
        {
            Inputs = InputBinding.Bind(playbook, request.Inputs).Values,
            Incident = request.Incident,
            Signal = request.Signal,
        };
        var planned = new Dictionary<string, PlannedStep>(StringComparer.Ordinal);
        var completed = new List<Step>(); // succeeded actions, in completion order
        var skippedByWhen = new HashSet<string>(StringComparer.Ordinal);
        var runOutcome = Outcomes.Succeeded;
        var stopped = false;
        var wave = 0;

        while (!stopped && planned.Count < playbook.Steps.Count)
        {
            var ready = playbook.Steps.Where(s => !planned.ContainsKey(s.Id) && s.Needs.All(n => planned.ContainsKey(n.StepId))).ToList();
            if (ready.Count == 0) break; // only possible for an invalid graph
            wave++;
            foreach (var step in ready)
            {
                var decided = Decide(step, wave, planned, skippedByWhen, scope, request.Decisions);
                planned[step.Id] = decided;
                if (decided.Outcome is { } outcome)
                    scope.Steps[step.Id] = new ValueScope.StepState(outcome,
                        request.Outputs?.GetValueOrDefault(step.Id) is { } known && outcome != Outcomes.Skipped ? known : new Dictionary<string, object?>());
                if (decided.Outcome == Outcomes.Succeeded && step.Kind is ActionCall) completed.Add(step);
                // Steps of one wave start together; the first failure that ends the run decides how it ends.
                if (decided.Outcome != Outcomes.Failed || stopped) continue;

                switch (step.OnFailure)
                {
                    case FailureRoute.Fail:
                        runOutcome = Outcomes.Failed;
                        stopped = true;
                        break;
                    case FailureRoute.Compensate:
                        runOutcome = Outcomes.Compensated;
                        stopped = true;
                        break;
                    case FailureRoute.Escalate:
                        planned[step.Id] = decided with
                        {
                            Disposition = "escalate",
                            Reason = decided.Reason + "; escalated to the incident commander, who retries, skips or aborts it",
                        };
                        runOutcome = "waiting";
                        break;
                }
            }
        }

        foreach (var step in playbook.Steps.Where(s => !planned.ContainsKey(s.Id)))
            planned[step.Id] = Unreached(step, runOutcome == "waiting"
                ? "waits behind an escalated step"
                : $"the run ends {runOutcome} before this step");

        var compensations = runOutcome == Outcomes.Compensated
            ? completed.AsEnumerable().Reverse().Where(s => s.Compensate is not null)
                .Select((s, i) => new PlannedCompensation(i + 1, s.Id, s.Compensate!.Action, Render(s.Compensate.With, StepDecision.ForCompensation(scope))))
                .ToList()
            : [];
        return new Plan(playbook.Name, playbook.Hash, runOutcome, wave,
            playbook.Steps.Select(s => planned[s.Id]).OrderBy(p => p.Wave ?? int.MaxValue).ToList(), compensations);
    }

    private static PlannedStep Decide(Step step, int wave, Dictionary<string, PlannedStep> planned, HashSet<string> skippedByWhen, ValueScope scope,
        IReadOnlyDictionary<string, string> decisions)
    {
        var title = TryRender(step.Title, scope);
        // A run waits behind an escalated need; a plan cannot say how the commander will answer.
        if (step.Needs.Select(n => planned[n.StepId]).FirstOrDefault(n => n.Disposition is "escalate" or "not-reached") is { } waiting)
            return Unreached(step, $"needs '{waiting.Id}', which {(waiting.Disposition == "escalate" ? "is escalated" : "is not reached")}") with { Title = title };

        switch (StepDecision.For(step, id => new StepDecision.NeedEnd(planned[id].Outcome, skippedByWhen.Contains(id)), scope))
        {
            case StepDecision.Skip skip:
                if (skip.ByWhen) skippedByWhen.Add(step.Id);
                return Skip(step, wave, skip.Reason, title);
            // A replay carries the commander's skip of a step that escalated (its guard or its action failed): it stands.
            case var _ when decisions.GetValueOrDefault(step.Id) == Outcomes.Skipped:
                return Skip(step, wave, "skipped by a person after it escalated (as recorded)", title);
            case StepDecision.Fail fail:
                return new PlannedStep(step.Id, step.KindName, step.Phase, wave, "fail", Outcomes.Failed,
                    $"{fail.Reason}; onFailure: {step.OnFailure.ToString().ToLowerInvariant()}", title, null, null);
        }

        var outcome = decisions.GetValueOrDefault(step.Id) ?? Outcomes.For(step.Kind)[0];
        var assumed = decisions.ContainsKey(step.Id) ? "as decided" : "assumed";
        var failure = outcome == Outcomes.Failed ? $"; onFailure: {step.OnFailure.ToString().ToLowerInvariant()}" : "";
        return step.Kind switch
        {
            ActionCall call => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "run", outcome,
                $"runs {call.Action}; {outcome} ({assumed}){failure}", title, call.Action, Render(call.With, scope)),
            HumanTask task => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                $"waits for {task.Assignee} to complete a task{Within(" acknowledged within", task.AckWithin)}{Within(", done within", task.DueWithin)}; {outcome} ({assumed}){failure}",
                TryRender(task.Title, scope) ?? title, null, null),
            ApprovalRequest approval => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                $"waits for {approval.Quorum} approval(s) from {string.Join(", ", approval.Approvers)}{Within(" within", approval.Within)}; {outcome} ({assumed})",
                title, null, null),
            WaitFor { Signal: { } signal } w => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                $"waits up to {Durations.Format(w.Within!.Value)} for a {signal} signal; {outcome} ({assumed})", title, null, null),
            WaitFor w => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                $"waits {Durations.Format(w.Duration!.Value)}; {outcome}", title, null, null),
            SubPlaybook sub => new PlannedStep(step.Id, step.KindName, step.Phase, wave, "wait", outcome,
                $"runs playbook '{sub.Playbook}' as a child run and ends with its outcome; {outcome} ({assumed}){failure}", title, null, Render(sub.With, scope)),
            _ => Unreached(step, "unknown step kind"),
        };
    }

    private static PlannedStep Skip(Step step, int wave, string reason, string? title) =>
        new(step.Id, step.KindName, step.Phase, wave, "skip", Outcomes.Skipped, reason, title, null, null);

    private static PlannedStep Unreached(Step step, string reason) =>
        new(step.Id, step.KindName, step.Phase, null, "not-reached", null, reason, null, null, null);

    private static string Within(string label, TimeSpan? d) => d is { } v ? $"{label} {Durations.Format(v)}" : "";

    private static string? TryRender(TextTemplate? template, ValueScope scope)
    {
        try { return template?.Render(scope); }
        catch (ExpressionException) { return template?.Template.Source; }
    }

    private static IReadOnlyDictionary<string, object?> Render(IReadOnlyList<Parameter> with, ValueScope scope) =>
        with.ToDictionary(p => p.Name, p =>
        {
            try { return p.Value.Render(scope); }
            catch (ExpressionException e) { return $"<cannot render: {e.Message}>"; }
        }, StringComparer.Ordinal);
}
