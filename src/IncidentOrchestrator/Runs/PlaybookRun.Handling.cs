using System.Text.Json;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Runs;

/// <summary>The messages a run answers. A message the run no longer expects (late, stale or duplicated) changes nothing.</summary>
public sealed partial class PlaybookRun
{
    public async Task<OutgoingMessages> Handle(ActionAttemptEnded message, IDocumentSession session, RunServices services, ILogger<PlaybookRun> logger, CancellationToken ct)
    {
        var (playbook, turn) = await BeginTurnAsync(session, services, ct);
        if (message.Succeeded) RecordActionEvents(turn, message);
        if (message.Compensation)
        {
            if (State == RunStates.Compensating && CompensationQueue.FirstOrDefault() == message.StepId)
                CompensationEnded(playbook, turn, message.StepId, message.Attempt, message.Succeeded, message.Error);
            return turn.Outgoing;
        }

        var state = Steps.GetValueOrDefault(message.StepId);
        if (HasEnded || state is null || state.Status != StepStatuses.Running || state.Attempts != message.Attempt)
        {
            logger.LogInformation("Run {Run}: ignoring a late result of {Step} attempt {Attempt}", Id, message.StepId, message.Attempt);
            return turn.Outgoing;
        }

        await AttemptEndedAsync(playbook, turn, playbook.Step(message.StepId)!, message.Attempt, message.Succeeded, message.Outputs,
            message.Error, message.TimedOut, ct);
        return turn.Outgoing;
    }

    /// <summary>An attempt of a step's action ended, reported by the executor or run in this turn: advance, retry or fail.</summary>
    private async Task AttemptEndedAsync(Playbook playbook, Turn turn, Step step, int attempt, bool succeeded,
        Dictionary<string, JsonElement> outputs, string? error, bool timedOut, CancellationToken ct)
    {
        if (succeeded)
        {
            Succeed(turn, step, Outcomes.Succeeded, outputs);
            await AdvanceAsync(playbook, turn, ct);
            return;
        }

        var state = Steps[step.Id];
        state.Error = error;
        Append(turn, new StepAttemptFailed(Id, step.Id, attempt, error ?? "failed", timedOut, turn.Now));
        var retry = step.Retry ?? playbook.Defaults.Retry ?? RetryPolicy.None;
        if (attempt < retry.Attempts)
        {
            var delay = retry.DelayBefore(attempt + 1);
            state.NextAttemptAt = turn.Now + delay;
            Append(turn, new StepRetryScheduled(Id, step.Id, attempt + 1, turn.Now + delay, turn.Now));
            turn.Outgoing.Delay(new RetryStep(Id, step.Id, attempt + 1), delay);
            return;
        }

        FailStep(playbook, turn, step, error ?? "failed");
        await AdvanceAsync(playbook, turn, ct);
    }

    /// <summary>
    /// Executes the actions this turn dispatched to itself (<see cref="InlineActions"/>), one after another, each result
    /// advancing the run (which may dispatch more) before the next. A call whose step no longer runs is dropped unexecuted.
    /// </summary>
    private async Task RunInlineActionsAsync(Playbook playbook, Turn turn, CancellationToken ct)
    {
        if (turn.RunningInline) return; // the outer loop takes what this advance queued
        turn.RunningInline = true;
        try
        {
            while (turn.InlineCalls.TryDequeue(out var call))
            {
                if (HasEnded || Steps.GetValueOrDefault(call.StepId) is not { Status: StepStatuses.Running } state || state.Attempts != call.Attempt)
                    continue;
                var outcome = await turn.Actions.ExecuteAsync(call, turn.Session, await turn.IncidentAsync(IncidentId, ct), turn.Now, ct);
                foreach (var @event in outcome.IncidentEvents) Append(turn, @event);
                foreach (var (message, delay) in outcome.FollowUps) turn.Outgoing.Delay(message, delay);
                await AttemptEndedAsync(playbook, turn, playbook.Step(call.StepId)!, call.Attempt, outcome.Succeeded, outcome.Outputs,
                    outcome.Error, outcome.TimedOut, ct);
            }
        }
        finally
        {
            turn.RunningInline = false;
            RecordHeldStarts(turn); // a step queued here that did not end here still shows that it started
        }
    }

    public async Task<OutgoingMessages> Handle(RetryStep message, IDocumentSession session, RunServices services, CancellationToken ct)
    {
        var (playbook, turn) = await BeginTurnAsync(session, services, ct);
        var state = Steps.GetValueOrDefault(message.StepId);
        if (HasEnded || state is not { Status: StepStatuses.Running } || state.Attempts != message.Attempt - 1) return turn.Outgoing;

        state.Attempts = message.Attempt;
        state.NextAttemptAt = null;
        await StartAttemptAsync(playbook, turn, playbook.Step(message.StepId)!, ct);
        return turn.Outgoing;
    }

    /// <summary>Another attempt of an action step (a retry, or the commander's after an escalation), rendered from what the run knows now.</summary>
    private async Task StartAttemptAsync(Playbook playbook, Turn turn, Step step, CancellationToken ct)
    {
        var attempt = Steps[step.Id].Attempts;
        var call = (ActionCall)step.Kind;
        Append(turn, new StepStarted(Id, step.Id, step.KindName, step.Phase, attempt, call.Action, turn.Now));
        Dispatch(playbook, turn, step, call, RunScope.Of(this, await turn.IncidentAsync(IncidentId, ct)), attempt, compensation: false);
        await RunInlineActionsAsync(playbook, turn, ct);
    }

    public async Task<OutgoingMessages> Handle(WaitElapsed message, IDocumentSession session, RunServices services, CancellationToken ct)
    {
        var (playbook, turn) = await BeginTurnAsync(session, services, ct);
        if (HasEnded || Steps.GetValueOrDefault(message.StepId) is not { Status: StepStatuses.Waiting }) return turn.Outgoing;
        if (playbook.Step(message.StepId) is not { Kind: WaitFor } step) return turn.Outgoing;

        session.Delete<SignalWait>(SignalWait.KeyFor(Id, step.Id));
        Succeed(turn, step, Outcomes.Elapsed, []);
        await AdvanceAsync(playbook, turn, ct);
        return turn.Outgoing;
    }

    public async Task<OutgoingMessages> Handle(SignalArrived message, IDocumentSession session, RunServices services, CancellationToken ct)
    {
        var (playbook, turn) = await BeginTurnAsync(session, services, ct);
        if (HasEnded || Steps.GetValueOrDefault(message.StepId) is not { Status: StepStatuses.Waiting }) return turn.Outgoing;
        if (playbook.Step(message.StepId) is not { Kind: WaitFor { Signal: not null } } step) return turn.Outgoing;

        session.Delete<SignalWait>(SignalWait.KeyFor(Id, step.Id));
        Succeed(turn, step, Outcomes.Signalled,
            new() { ["signalId"] = JsonSerializer.SerializeToElement(message.SignalId) });
        await AdvanceAsync(playbook, turn, ct);
        return turn.Outgoing;
    }

    public async Task<OutgoingMessages> Handle(ChildRunEnded message, IDocumentSession session, RunServices services, CancellationToken ct)
    {
        var (playbook, turn) = await BeginTurnAsync(session, services, ct);
        if (HasEnded || Steps.GetValueOrDefault(message.StepId) is not { Status: StepStatuses.Waiting }) return turn.Outgoing;
        var step = playbook.Step(message.StepId)!;

        if (message.Status == RunStates.Succeeded)
            Succeed(turn, step, Outcomes.Succeeded, new() { ["runId"] = JsonSerializer.SerializeToElement(message.ChildRunId) });
        else
            FailStep(playbook, turn, step, $"child run {message.ChildRunId} ended {message.Status}");
        await AdvanceAsync(playbook, turn, ct);
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

    public async Task<OutgoingMessages> Handle(HumanStepEnded message, IDocumentSession session, RunServices services, CancellationToken ct)
    {
        var (playbook, turn) = await BeginTurnAsync(session, services, ct);
        if (!HasEnded && Steps.GetValueOrDefault(message.StepId) is { Escalated: true } escalated
            && message.Outputs.GetValueOrDefault("decision") is { ValueKind: JsonValueKind.String } decision
            && EscalationDecisions.Contains(decision.GetString()))
        {
            // The commander completed the escalation task.
            await ResolveEscalationAsync(playbook, turn, escalated, message.StepId, decision.GetString()!, message.By, ct);
            return turn.Outgoing;
        }
        if (HasEnded || Steps.GetValueOrDefault(message.StepId) is not { Status: StepStatuses.Waiting, Escalated: false }) return turn.Outgoing;
        if (playbook.Step(message.StepId) is not { Kind: HumanTask or ApprovalRequest } step) return turn.Outgoing;

        Succeed(turn, step, message.Outcome, message.Outputs);
        await AdvanceAsync(playbook, turn, ct);
        return turn.Outgoing;
    }

    public async Task<OutgoingMessages> Handle(CancelRun message, IDocumentSession session, RunServices services, CancellationToken ct)
    {
        var (_, turn) = await BeginTurnAsync(session, services, ct);
        if (HasEnded) return turn.Outgoing;
        Cancel(turn, message.Reason, message.By);
        return turn.Outgoing;
    }

    private void Cancel(Turn turn, string? reason, string by)
    {
        Append(turn, new PlaybookRunCancelRequested(Id, reason, by, turn.Now));
        End(turn, RunStates.Cancelled, reason ?? $"cancelled by {by}");
    }

    public async Task<OutgoingMessages> Handle(ResolveEscalation message, IDocumentSession session, RunServices services, CancellationToken ct)
    {
        var (playbook, turn) = await BeginTurnAsync(session, services, ct);
        if (HasEnded || Steps.GetValueOrDefault(message.StepId) is not { Escalated: true } state) return turn.Outgoing;
        turn.Outgoing.Add(new RunWorkClosed(Id, message.StepId, turn.Now)); // the commander's escalation task is answered
        await ResolveEscalationAsync(playbook, turn, state, message.StepId, message.Resolution, message.By, ct);
        return turn.Outgoing;
    }

    /// <summary>The commander's answer to an escalated step: retry it, skip it, or abort the whole run.</summary>
    private async Task ResolveEscalationAsync(Playbook playbook, Turn turn, StepRun state, string stepId, string resolution, string by,
        CancellationToken ct)
    {
        var step = playbook.Step(stepId)!;
        state.Escalated = false;
        state.Resolution = resolution;
        Append(turn, new StepEscalationResolved(Id, step.Id, resolution, by, turn.Now));
        if (resolution == "abort")
        {
            Cancel(turn, $"aborted by {by} after step {step.Id} failed", by);
            return;
        }
        if (resolution == "skip")
        {
            Skip(turn, step, $"skipped by {by} after escalation", byWhen: false, by: by);
        }
        else if (step.Kind is ActionCall && state.Attempts > 0)
        {
            state.Status = StepStatuses.Running;
            state.Attempts++;
            state.WaitingFor = null;
            await StartAttemptAsync(playbook, turn, step, ct);
            return;
        }
        else
        {
            // Begin it again from the start: its guard is decided again (one that failed before it ran is read anew).
            state.Status = StepStatuses.Pending;
            state.WaitingFor = null;
        }
        await AdvanceAsync(playbook, turn, ct);
    }

    private async Task<(Playbook, Turn)> BeginTurnAsync(IDocumentSession session, RunServices services, CancellationToken ct) =>
        (await services.Playbooks.GetAsync(PlaybookHash, session, ct), new Turn(session, services, services.Clock.GetUtcNow()));

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
