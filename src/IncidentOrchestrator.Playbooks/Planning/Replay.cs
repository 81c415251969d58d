using System.Text.Json;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Running;

namespace IncidentOrchestrator.Playbooks.Planning;

/// <summary>
/// What a recorded run's step did: its status, its outcome, how many attempts it took, what it produced, and how the
/// commander answered it when it escalated (<c>retry</c> or <c>skip</c>; null when nobody had to).
/// </summary>
/// <param name="EndedAt">When it ended (null when it has not, or the record does not say).</param>
/// <param name="Escalated">It failed and waits for the commander's answer.</param>
/// <param name="IncidentRead">What its <c>when</c> read of the incident when it was decided (null when it reads nothing, or the record predates it).</param>
/// <param name="UndoFailed">Its undo failed for good (false when it did not, or the record predates it).</param>
public sealed record RecordedStep(string Status, string? Outcome, int Attempts, IReadOnlyDictionary<string, object?> Outputs, string? Resolution = null,
    DateTimeOffset? EndedAt = null, bool Escalated = false, IncidentFactsRead? IncidentRead = null, bool UndoFailed = false);

/// <summary>A run as the record has it: its inputs and signal, the incident it ran on (as it is now), and each step's end.</summary>
/// <param name="UndoLeft">The undos its compensation still had to run (when it was cancelled, or as it is read under way).</param>
public sealed record RecordedRun(
    Guid IncidentId,
    Guid RunId,
    string Hash,
    string Status,
    IReadOnlyDictionary<string, object?> Inputs,
    IReadOnlyDictionary<string, object?>? Signal,
    IReadOnlyDictionary<string, object?> Incident,
    IReadOnlyDictionary<string, RecordedStep> Steps,
    IReadOnlyList<string>? UndoLeft = null);

/// <param name="Recorded">The step's outcome in the record (null when the record has no such step, or it never ended).</param>
/// <param name="Candidate">What the candidate would do: an outcome, or <c>not-reached</c>; for a step a run read under way has under
/// way, its status in the record (<c>running</c> or <c>waiting</c>).</param>
/// <param name="Assumed">The candidate needs a fact the record does not have (a new action's result, a new task's outputs).</param>
public sealed record ReplayStep(string Id, string? Recorded, string Candidate, string Disposition, string Reason, bool Assumed);

/// <summary><see cref="Kind"/>: <c>not-taken</c>, <c>new</c>, <c>changed-parameters</c>, <c>changed-outcome</c> or <c>changed-policy</c>.</summary>
public sealed record ReplayDifference(string Kind, string Step, string Detail);

public sealed record ReplayResult(
    Guid IncidentId,
    Guid RunId,
    string RecordedHash,
    string RecordedStatus,
    string CandidateStatus,
    IReadOnlyList<ReplayStep> Steps,
    IReadOnlyList<ReplayDifference> Differences);

/// <summary>
/// Replays a candidate playbook over a recorded run, executing nothing: each step the record has ends as it did (its
/// outcome, its outputs, its approvals' decisions), a step the record lacks ends as assumed (the usual outcome of its
/// kind, or a decision given for it), and the result names what the candidate would have done differently.
/// </summary>
public static class Replayer
{
    private static readonly string[] Executed = [StepStatuses.Succeeded, StepStatuses.Failed, StepStatuses.Compensated];

    /// <param name="recordedPlaybook">The version that ran (by the run's hash), to compare parameters and policies; null when it is unknown.</param>
    /// <param name="decisions">Outcomes to assume for steps the record cannot answer, by step id.</param>
    /// <remarks>
    /// A replay does not check a child run's inputs against the child playbook as it is loaded today (it may have changed
    /// since the run): a child run ends as the record has it, or as assumed.
    /// </remarks>
    public static ReplayResult Replay(Playbook candidate, Playbook? recordedPlaybook, RecordedRun run, IReadOnlyDictionary<string, string>? decisions = null)
    {
        decisions ??= new Dictionary<string, string>();
        var fromRecord = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var step in candidate.Steps)
        {
            if (decisions.ContainsKey(step.Id) || run.Steps.GetValueOrDefault(step.Id) is not { } recorded) continue;
            if (recorded.Resolution is "skip" or "abort")
            {
                // It failed and the commander skipped it or aborted the run: where the candidate escalates it, they answer alike.
                answers[step.Id] = recorded.Resolution;
                if (Outcomes.For(step.Kind).Contains(Outcomes.Failed)) fromRecord[step.Id] = Outcomes.Failed;
                continue;
            }
            // It failed, and its route handed it to the commander; it still waits for them.
            var outcome = recorded is { Outcome: null, Escalated: true } ? Outcomes.Failed : Ran(recorded);
            // A step that changed kind: the record cannot answer for it.
            if (outcome is null || !Outcomes.For(step.Kind).Contains(outcome)) continue;
            if (recorded.Escalated || recorded.Resolution is not null)
            {
                fromRecord[step.Id] = outcome; // a person decides (or decided) this step: its end stands, whatever the policy says
                continue;
            }
            fromRecord[step.Id] = outcome;
            attempts[step.Id] = recorded.Attempts; // the same failures meet the candidate's retry policy
        }

        // What a person typed, read as the candidate declares its outputs (a version that types an output reads the record so).
        var outputs = run.Steps.ToDictionary(s => s.Key, s => candidate.Step(s.Key)?.Kind is HumanTask { OutputTypes.Count: > 0 } task
            ? (IReadOnlyDictionary<string, object?>)InputValues.ReadOutputs(s.Value.Outputs, task.OutputTypes).Values : s.Value.Outputs, StringComparer.Ordinal);
        var endedAt = run.Steps.Where(s => s.Value is { Outcome: not null, EndedAt: not null } or { Resolution: "abort", EndedAt: not null })
            .ToDictionary(s => s.Key, s => s.Value.EndedAt!.Value, StringComparer.Ordinal);
        var read = run.Steps.Where(s => s.Value.IncidentRead is not null).ToDictionary(s => s.Key, s => s.Value.IncidentRead!, StringComparer.Ordinal);
        // The run was cancelled (a commander's abort is an answer, above): what had not ended then is what the cancellation cut.
        var cancelledOpen = run.Status == RunStates.Cancelled && !run.Steps.Values.Any(s => s.Resolution == "abort")
            ? run.Steps.Where(s => s.Value.Outcome is null).Select(s => s.Key).ToHashSet(StringComparer.Ordinal)
            : null;
        var undoLeft = (run.UndoLeft ?? []).ToHashSet(StringComparer.Ordinal);
        // Read while under way: what is under way has no end yet (an escalated step waits for its answer, above).
        var underWay = run.Status is RunStates.Running or RunStates.Waiting
            ? run.Steps.Where(s => s.Value is { Outcome: null, Escalated: false, Status: StepStatuses.Running or StepStatuses.Waiting }).Select(s => s.Key)
                .Except(decisions.Keys).ToHashSet(StringComparer.Ordinal) // a decision answers for a step the record cannot
            : null;
        var undoFailed = run.Steps.Where(s => s.Value.UndoFailed).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var plan = Planner.Make(candidate, new Planner.Request(run.Inputs, run.Incident, run.Signal,
            fromRecord.Concat(decisions).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal), outputs, endedAt, IncidentRead: read, Answers: answers,
            Attempts: attempts, CancelledOpen: cancelledOpen, UndoLeft: undoLeft, UndoFailed: undoFailed, UnderWay: underWay));
        var before = recordedPlaybook is null ? null : Planner.Make(recordedPlaybook, new Planner.Request(run.Inputs, run.Incident, run.Signal,
            run.Steps.Where(s => s.Value.Outcome is not null && recordedPlaybook.Step(s.Key) is { } st && Outcomes.For(st.Kind).Contains(s.Value.Outcome))
                .ToDictionary(s => s.Key, s => s.Value.Outcome!, StringComparer.Ordinal), outputs, endedAt, IncidentRead: read, Answers: answers,
            Attempts: attempts, CancelledOpen: cancelledOpen, UndoLeft: undoLeft, UndoFailed: undoFailed, UnderWay: underWay));

        var steps = plan.Steps.Select(p =>
        {
            var recorded = run.Steps.GetValueOrDefault(p.Id);
            var decided = p.Disposition is "run" or "wait" or "escalate" or "fail";
            var assumed = decided && p.Outcome is not null && !fromRecord.ContainsKey(p.Id) && !decisions.ContainsKey(p.Id) && p.Kind != "wait";
            var candidate = p.Outcome ?? (underWay?.Contains(p.Id) == true ? recorded!.Status : p.Disposition);
            return new ReplayStep(p.Id, recorded?.Outcome, candidate, p.Disposition, p.Reason, assumed);
        }).ToList();

        var differences = new List<ReplayDifference>();
        var runEnded = RunStates.Ended.Contains(run.Status);
        var candidateIds = candidate.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, recorded) in run.Steps.Where(s => Happened(s.Value)))
        {
            if (!candidateIds.Contains(id))
                differences.Add(new("not-taken", id, $"'{id}' {Did(recorded)} in the record; the candidate has no step '{id}'"));
            // A run under way whose replay is under way too has not reached some steps yet: that is no difference.
            else if (plan.Steps.Single(p => p.Id == id) is var skipped && (skipped.Disposition is "skip" || skipped.Outcome == Outcomes.Cancelled
                         || skipped.Disposition == "not-reached" && (runEnded || plan.Outcome != "waiting")))
                differences.Add(new("not-taken", id, $"'{id}' {Did(recorded)} in the record; the candidate would not: {skipped.Reason}"));
        }
        foreach (var planned in plan.Steps.Where(p => p.Disposition is "run" or "wait" or "escalate" or "fail" && p.Kind != "wait"))
        {
            var recorded = run.Steps.GetValueOrDefault(planned.Id);
            // A run still under way has not reached its later steps yet, and a cancelled one was stopped by people: the
            // candidate reaching those steps is no difference.
            if (recorded is { Outcome: null, Status: StepStatuses.Cancelled }
                || !runEnded && recorded is { Outcome: null, Status: StepStatuses.Pending or StepStatuses.Waiting or StepStatuses.Running }) continue;
            if (planned.Outcome == Outcomes.Cancelled && recorded is not null && Happened(recorded)) continue; // not taken, above
            if (recorded is null || !Happened(recorded))
                differences.Add(new("new", planned.Id, recorded is null
                    ? $"'{planned.Id}' is not in the recorded run: {planned.Reason}"
                    : $"'{planned.Id}' was {recorded.Status} in the record; the candidate would go on: {planned.Reason}"));
            else if (recorded.Outcome is not null && Ran(recorded) is { } was && planned.Outcome is { } would && was != would)
                differences.Add(new("changed-outcome", planned.Id, $"'{planned.Id}' ended {recorded.Outcome} in the record; the candidate's would end {would}: {planned.Reason}"));
            else if (recorded.Outcome == Outcomes.Compensated && plan.Compensations.All(c => c.Step != planned.Id))
                differences.Add(new("changed-outcome", planned.Id, $"'{planned.Id}' was undone in the record; the candidate would not undo it"));
            if (before?.Steps.FirstOrDefault(b => b.Id == planned.Id) is { With: { } was2 } && planned.With is { } now && Changed(was2, now) is { Length: > 0 } changes)
                differences.Add(new("changed-parameters", planned.Id, changes));
        }
        if (recordedPlaybook is not null)
            foreach (var step in candidate.Steps.Where(s => s.Kind is ActionCall)) // retries, timeouts and failure routes act on actions
                if (recordedPlaybook.Step(step.Id) is { Kind: ActionCall } old && Policy(old, recordedPlaybook) != Policy(step, candidate))
                    differences.Add(new("changed-policy", step.Id, $"'{step.Id}': {Policy(old, recordedPlaybook)} → {Policy(step, candidate)}"));

        // A run still under way has no end to compare: the candidate is under way too, unless it would have ended otherwise already.
        var candidateStatus = run.Status is RunStates.Running or RunStates.Waiting && plan.Outcome is Outcomes.Succeeded or RunStates.Waiting
            ? run.Status : plan.Outcome;
        if (candidateStatus != run.Status && run.Status is RunStates.Succeeded or RunStates.Failed or RunStates.Compensated or RunStates.Cancelled)
            differences.Add(new("changed-outcome", "", $"the run ended {run.Status}; the candidate's would end {candidateStatus}"));
        return new ReplayResult(run.IncidentId, run.RunId, run.Hash, run.Status, candidateStatus, steps, differences);
    }

    /// <summary>How the step itself ended: one that succeeded and was undone later (compensated) had succeeded.</summary>
    private static string? Ran(RecordedStep step) => step.Outcome == Outcomes.Compensated ? Outcomes.Succeeded : step.Outcome;

    /// <summary>The step acted or was answered (an action ran, a task was done, an approval decided, a child run ended); waits do not count.</summary>
    private static bool Happened(RecordedStep step) =>
        (Executed.Contains(step.Status) || step.Outcome is Outcomes.Approved or Outcomes.Rejected) && step.Outcome is not (Outcomes.Elapsed or Outcomes.Signalled);

    private static string Did(RecordedStep step) => step.Outcome is { } outcome ? $"ran ({outcome})" : $"was {step.Status}";

    private static string Policy(Step step, Playbook playbook)
    {
        var retry = RunDecider.RetryOf(playbook, step);
        var timeout = step.Timeout ?? playbook.Defaults.Timeout;
        return $"retry {retry.Attempts}× (backoff {Durations.Format(retry.Backoff)}), timeout {(timeout is { } t ? Durations.Format(t) : "none")}, " +
               $"onFailure {step.OnFailure.Name()}";
    }

    /// <summary>The rendered parameters that differ, as <c>name: before → after</c>; empty when none do.</summary>
    private static string Changed(IReadOnlyDictionary<string, object?> before, IReadOnlyDictionary<string, object?> after)
    {
        string Text(object? v) => v is null ? "(none)" : JsonSerializer.Serialize(v);
        return string.Join("; ", before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Where(k => Text(before.GetValueOrDefault(k)) != Text(after.GetValueOrDefault(k)))
            .Select(k => $"{k}: {Text(before.GetValueOrDefault(k))} → {Text(after.GetValueOrDefault(k))}"));
    }
}
