using System.Text.Json;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Running;

namespace IncidentOrchestrator.Playbooks.Tests.Running;

/// <summary>
/// The state a decision leaves, as the saga's event for it folds (<see cref="RunFold"/>), written down as one line; the work
/// that goes with it (performing an action, running an undo) is the caller's.
/// </summary>
internal static class DecisionFold
{
    public static string Apply(RunState run, Playbook playbook, RunDecision decision, DateTimeOffset at)
    {
        switch (decision)
        {
            case RunDecision.StartStep s:
                run.Started(s.Step.Id, s.Attempt, s.Step.Kind is ActionCall, at, Json(s.Read));
                if (s.Step.Kind is not ActionCall) run.Waiting(s.Step.Id, s.Step.KindName);
                return $"start {s.Step.Id} #{s.Attempt}";
            case RunDecision.SkipStep s:
                run.Skipped(s.Step.Id, s.ByWhen, at, Json(s.Read), s.NeedFailed);
                return $"skip {s.Step.Id}: {s.Reason}";
            case RunDecision.EscalateStep s:
                run.Escalated(s.Step.Id, s.Error, Json(s.Read));
                return $"escalate {s.Step.Id} after {s.Attempts}";
            case RunDecision.FailStep s:
                run.Failed(playbook, s.Step.Id, s.Error, s.Route, at, Json(s.Read));
                return $"fail {s.Step.Id} ({s.Route.Name()}) after {s.Attempts}";
            case RunDecision.RetryStep s:
                run.RetryScheduled(s.Step.Id, at + s.Delay);
                return $"retry {s.Step.Id} #{s.Attempt} in {s.Delay.TotalSeconds}s";
            case RunDecision.UndoStep s:
                return $"undo {s.Step.Id} #{s.Attempt}{(s.Delay > TimeSpan.Zero ? $" in {s.Delay.TotalSeconds}s" : "")}";
            case RunDecision.UndoAttemptFailed s:
                return $"undo {s.Step.Id} attempt {s.Attempt} failed";
            case RunDecision.UndoEnded { Succeeded: true } s:
                run.Compensated(s.Step.Id);
                return $"undone {s.Step.Id}";
            case RunDecision.UndoEnded s:
                run.CompensationFailedFor(s.Step.Id);
                return $"undo of {s.Step.Id} failed";
            case RunDecision.EscalationAnswered s:
                run.EscalationResolved(s.Step, s.Resolution);
                return $"{s.Step.Id} resolved {s.Resolution}";
            case RunDecision.CancelRequested s:
                return $"cancel requested by {s.By}";
            case RunDecision.CancelStep s:
                run.Cancelled(s.StepId, at);
                return $"cancel {s.StepId}";
            case RunDecision.EndRun s:
                run.Ended(s.Status, s.Reason, at);
                return $"end {s.Status}{(s.Reason is null ? "" : $": {s.Reason}")}";
            default:
                throw new InvalidOperationException($"the test does not know {decision}");
        }
    }

    private static Dictionary<string, JsonElement>? Json(IncidentFactsRead? read) => read is null ? null : JsonValues.ToJson(read.Facts);
}
