using System.Text.Json;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Running;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Runs;

/// <summary>The messages a run answers. A message the run no longer expects (late, stale or duplicated) changes nothing.</summary>
public sealed partial class PlaybookRun
{
    public Task<OutgoingMessages> Handle(ActionAttemptEnded message, IDocumentSession session, RunServices services, ILogger<PlaybookRun> logger, CancellationToken ct) =>
        When(message, new MartenRunStore(session, services), services.Clock.GetUtcNow(), logger, ct);

    internal async Task<OutgoingMessages> When(ActionAttemptEnded message, IRunStore store, DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
        var turn = await BeginTurnAsync(store, now, ct);
        if (message.Succeeded) RecordActionEvents(turn, message);
        if (message.Compensation)
        {
            if (State == RunStates.Compensating && CompensationQueue.FirstOrDefault() == message.StepId)
                Perform(turn, RunDecider.AfterUndo(turn.Playbook, this, turn.Playbook.Step(message.StepId)!, message.Attempt, message.Succeeded, message.Error));
            return turn.Outgoing;
        }

        if (!RunDecider.IsCurrentAttempt(this, message.StepId, message.Attempt))
        {
            logger.LogInformation("Run {Run}: ignoring a late result of {Step} attempt {Attempt}", Id, message.StepId, message.Attempt);
            return turn.Outgoing;
        }

        await turn.IncidentAsync(IncidentId, ct);
        AttemptEnded(turn, turn.Playbook.Step(message.StepId)!, message.Attempt, message.Succeeded, message.Outputs, message.Error, message.TimedOut);
        await AdvanceAsync(turn, ct);
        return turn.Outgoing;
    }

    /// <summary>An attempt of a step's action ended, reported by the executor or run in this turn: it succeeded, or the decider retries or fails it.</summary>
    private void AttemptEnded(Turn turn, Step step, int attempt, bool succeeded, Dictionary<string, JsonElement> outputs, string? error, bool timedOut)
    {
        if (succeeded)
        {
            Succeed(turn, step, Outcomes.Succeeded, outputs);
            return;
        }
        Append(turn, new StepAttemptFailed(Id, step.Id, attempt, error ?? "failed", timedOut, turn.Now));
        Perform(turn, RunDecider.AfterFailedAttempt(turn.Playbook, this, step, attempt, error ?? "failed"));
    }

    /// <summary>
    /// Executes the actions this turn dispatched to itself (<see cref="InlineActions"/>), one after another, each result
    /// advancing the run (which may dispatch more) before the next. A call whose step no longer runs is dropped unexecuted.
    /// </summary>
    private async Task RunInlineActionsAsync(Turn turn, CancellationToken ct)
    {
        if (turn.RunningInline) return; // the outer loop takes what this advance queued
        turn.RunningInline = true;
        try
        {
            while (turn.InlineCalls.TryDequeue(out var call))
            {
                if (!RunDecider.IsCurrentAttempt(this, call.StepId, call.Attempt)) continue;
                var outcome = await turn.Store.ExecuteAsync(call, await turn.IncidentAsync(IncidentId, ct), turn.Now, ct);
                foreach (var @event in outcome.IncidentEvents) Append(turn, @event);
                foreach (var (message, delay) in outcome.FollowUps) turn.Outgoing.Delay(message, delay);
                AttemptEnded(turn, turn.Playbook.Step(call.StepId)!, call.Attempt, outcome.Succeeded, outcome.Outputs, outcome.Error, outcome.TimedOut);
                await AdvanceAsync(turn, ct);
            }
        }
        finally
        {
            turn.RunningInline = false;
            RecordHeldStarts(turn); // a step queued here that did not end here still shows that it started
        }
    }

    public Task<OutgoingMessages> Handle(RetryStep message, IDocumentSession session, RunServices services, CancellationToken ct) =>
        When(message, new MartenRunStore(session, services), services.Clock.GetUtcNow(), ct);

    internal async Task<OutgoingMessages> When(RetryStep message, IRunStore store, DateTimeOffset now, CancellationToken ct)
    {
        var turn = await BeginTurnAsync(store, now, ct);
        if (turn.Playbook.Step(message.StepId) is not { } step || RunDecider.RetryDue(this, step, message.Attempt) is not { Count: > 0 } decisions)
            return turn.Outgoing;

        await turn.IncidentAsync(IncidentId, ct);
        Perform(turn, decisions);
        await AdvanceAsync(turn, ct);
        return turn.Outgoing;
    }

    public Task<OutgoingMessages> Handle(WaitElapsed message, IDocumentSession session, RunServices services, CancellationToken ct) =>
        When(message, new MartenRunStore(session, services), services.Clock.GetUtcNow(), ct);

    internal async Task<OutgoingMessages> When(WaitElapsed message, IRunStore store, DateTimeOffset now, CancellationToken ct)
    {
        var turn = await BeginTurnAsync(store, now, ct);
        if (HasEnded || Steps.GetValueOrDefault(message.StepId) is not { Status: StepStatuses.Waiting }) return turn.Outgoing;
        if (turn.Playbook.Step(message.StepId) is not { Kind: WaitFor } step) return turn.Outgoing;

        turn.Store.Forget(SignalWait.KeyFor(Id, step.Id));
        Succeed(turn, step, Outcomes.Elapsed, []);
        await AdvanceAsync(turn, ct);
        return turn.Outgoing;
    }

    public Task<OutgoingMessages> Handle(SignalArrived message, IDocumentSession session, RunServices services, CancellationToken ct) =>
        When(message, new MartenRunStore(session, services), services.Clock.GetUtcNow(), ct);

    internal async Task<OutgoingMessages> When(SignalArrived message, IRunStore store, DateTimeOffset now, CancellationToken ct)
    {
        var turn = await BeginTurnAsync(store, now, ct);
        if (HasEnded || Steps.GetValueOrDefault(message.StepId) is not { Status: StepStatuses.Waiting }) return turn.Outgoing;
        if (turn.Playbook.Step(message.StepId) is not { Kind: WaitFor { Signal: not null } } step) return turn.Outgoing;

        turn.Store.Forget(SignalWait.KeyFor(Id, step.Id));
        Succeed(turn, step, Outcomes.Signalled,
            new() { ["signalId"] = JsonSerializer.SerializeToElement(message.SignalId) });
        await AdvanceAsync(turn, ct);
        return turn.Outgoing;
    }

    public Task<OutgoingMessages> Handle(ChildRunEnded message, IDocumentSession session, RunServices services, CancellationToken ct) =>
        When(message, new MartenRunStore(session, services), services.Clock.GetUtcNow(), ct);

    internal async Task<OutgoingMessages> When(ChildRunEnded message, IRunStore store, DateTimeOffset now, CancellationToken ct)
    {
        var turn = await BeginTurnAsync(store, now, ct);
        // A child's end settles its step while the step waits for it, not once the step failed and waits for the commander.
        if (HasEnded || Steps.GetValueOrDefault(message.StepId) is not { Status: StepStatuses.Waiting, Escalated: false }) return turn.Outgoing;
        var step = turn.Playbook.Step(message.StepId)!;

        await turn.IncidentAsync(IncidentId, ct);
        if (message.Status == RunStates.Succeeded)
            Succeed(turn, step, Outcomes.Succeeded, new() { ["runId"] = JsonSerializer.SerializeToElement(message.ChildRunId) });
        else
            Fail(turn, step, $"child run {message.ChildRunId} ended {message.Status}");
        await AdvanceAsync(turn, ct);
        return turn.Outgoing;
    }

    /// <summary>
    /// What a successful action did to the incident goes on its timeline in this turn, once, even
    /// when the run no longer waits for that result: the effect happened all the same.
    /// </summary>
    private void RecordActionEvents(Turn turn, ActionAttemptEnded message)
    {
        if (message.IncidentEvents is not { Count: > 0 } events) return;
        var key = Actions.ActionExecution.KeyFor(IncidentId, Id, message.StepId, message.Compensation);
        if (RecordedActions.Contains(key)) return;
        RecordedActions.Add(key);
        foreach (var recorded in events) Append(turn, recorded.ToEvent());
    }

    public Task<OutgoingMessages> Handle(HumanStepEnded message, IDocumentSession session, RunServices services, CancellationToken ct) =>
        When(message, new MartenRunStore(session, services), services.Clock.GetUtcNow(), ct);

    internal async Task<OutgoingMessages> When(HumanStepEnded message, IRunStore store, DateTimeOffset now, CancellationToken ct)
    {
        var turn = await BeginTurnAsync(store, now, ct);
        if (RunDecider.AwaitsAnswer(this, message.StepId)
            && message.Outputs.GetValueOrDefault("decision") is { ValueKind: JsonValueKind.String } decision
            && RunDecider.EscalationAnswers.Contains(decision.GetString()))
        {
            // The commander completed the escalation task.
            await ResolveEscalationAsync(turn, message.StepId, decision.GetString()!, message.By, ct);
            return turn.Outgoing;
        }
        if (HasEnded || Steps.GetValueOrDefault(message.StepId) is not { Status: StepStatuses.Waiting, Escalated: false }) return turn.Outgoing;
        if (turn.Playbook.Step(message.StepId) is not { Kind: HumanTask or ApprovalRequest } step) return turn.Outgoing;

        Succeed(turn, step, message.Outcome, message.Outputs);
        await AdvanceAsync(turn, ct);
        return turn.Outgoing;
    }

    public Task<OutgoingMessages> Handle(CancelRun message, IDocumentSession session, RunServices services, CancellationToken ct) =>
        When(message, new MartenRunStore(session, services), services.Clock.GetUtcNow(), ct);

    internal async Task<OutgoingMessages> When(CancelRun message, IRunStore store, DateTimeOffset now, CancellationToken ct)
    {
        var turn = await BeginTurnAsync(store, now, ct);
        if (HasEnded) return turn.Outgoing;
        Perform(turn, RunDecider.Cancel(this, message.Reason, message.By));
        return turn.Outgoing;
    }

    public Task<OutgoingMessages> Handle(ResolveEscalation message, IDocumentSession session, RunServices services, CancellationToken ct) =>
        When(message, new MartenRunStore(session, services), services.Clock.GetUtcNow(), ct);

    internal async Task<OutgoingMessages> When(ResolveEscalation message, IRunStore store, DateTimeOffset now, CancellationToken ct)
    {
        var turn = await BeginTurnAsync(store, now, ct);
        if (!RunDecider.AwaitsAnswer(this, message.StepId)) return turn.Outgoing;
        turn.Outgoing.Add(new RunWorkClosed(Id, message.StepId, turn.Now)); // the commander's escalation task is answered
        await ResolveEscalationAsync(turn, message.StepId, message.Resolution, message.By, ct);
        return turn.Outgoing;
    }

    /// <summary>The commander's answer to an escalated step: retry it, skip it, or abort the whole run.</summary>
    private async Task ResolveEscalationAsync(Turn turn, string stepId, string resolution, string by, CancellationToken ct)
    {
        await turn.IncidentAsync(IncidentId, ct);
        Perform(turn, RunDecider.Resolve(turn.Playbook, this, turn.Playbook.Step(stepId)!, resolution, by));
        await AdvanceAsync(turn, ct);
    }

    private async Task<Turn> BeginTurnAsync(IRunStore store, DateTimeOffset now, CancellationToken ct) =>
        new(store, await store.PlaybookAsync(PlaybookHash, ct), now);

    // A message for a run that does not exist (never started, or its document was removed) is logged and dropped.
    public static void NotFound(StartRun m, ILogger<PlaybookRun> log) => Orphan(log, m.RunId, nameof(StartRun));
    public static void NotFound(ActionAttemptEnded m, ILogger<PlaybookRun> log) => Orphan(log, m.RunId, nameof(ActionAttemptEnded));
    public static void NotFound(RetryStep m, ILogger<PlaybookRun> log) => Orphan(log, m.RunId, nameof(RetryStep));
    public static void NotFound(WaitElapsed m, ILogger<PlaybookRun> log) => Orphan(log, m.RunId, nameof(WaitElapsed));
    public static void NotFound(SignalArrived m, ILogger<PlaybookRun> log) => Orphan(log, m.RunId, nameof(SignalArrived));
    public static void NotFound(ChildRunEnded m, ILogger<PlaybookRun> log) => Orphan(log, m.RunId, nameof(ChildRunEnded));
    public static void NotFound(HumanStepEnded m, ILogger<PlaybookRun> log) => Orphan(log, m.RunId, nameof(HumanStepEnded));
    public static void NotFound(CancelRun m, ILogger<PlaybookRun> log) => Orphan(log, m.RunId, nameof(CancelRun));
    public static void NotFound(ResolveEscalation m, ILogger<PlaybookRun> log) => Orphan(log, m.RunId, nameof(ResolveEscalation));

    private static void Orphan(ILogger log, Guid runId, string message) =>
        log.LogWarning("No run {Run} for {Message}; the message is dropped", runId, message);
}
