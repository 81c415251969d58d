using System.Text.Json;
using IncidentOrchestrator.Runs;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Actions;

/// <summary>Run one attempt of a step's action (or of its undo) with its parameters already rendered.</summary>
public sealed record ExecuteAction(
    Guid IncidentId, Guid RunId, string StepId, int Attempt, bool Compensation, string Action,
    Dictionary<string, JsonElement> Parameters, TimeSpan? Timeout, IReadOnlyList<string>? Approvals = null);

public static class ExecuteActionHandler
{
    public static async Task<OutgoingMessages> Handle(ExecuteAction command, ActionRegistry registry, IDocumentSession session,
        TimeProvider clock, ILogger<ExecuteAction> logger, CancellationToken ct)
    {
        var key = ActionExecution.KeyFor(command.IncidentId, command.RunId, command.StepId, command.Compensation);
        if (await session.LoadAsync<ActionExecution>(key, ct) is { } done)
        {
            logger.LogInformation("Action {Action} for {Key} already ran; reporting its result again", command.Action, key);
            return [Ended(command, new ActionOutcome(true, done.Outputs, null, false, [], []), done.IncidentEvents)];
        }

        var action = registry.Implementation(command.Action);
        if (action is null) return [Ended(command, ActionOutcome.Failed($"no implementation of action '{command.Action}' is installed"), [])];

        var outcome = await ActionAttempt.RunAsync(action, command, session, null, clock.GetUtcNow(), logger, ct);
        if (outcome is { Succeeded: true, Waiting: true })
        {
            // Not ended: what the action stored to be woken by stays, with the timer it set to look again (a wake-up may cross the store).
            var waiting = new OutgoingMessages();
            foreach (var (message, delay) in outcome.FollowUps) waiting.Delay(message, delay);
            return waiting;
        }
        if (!outcome.Succeeded)
        {
            // Whatever the action queued in the session is dropped: a failed attempt changes nothing.
            session.EjectAllPendingChanges();
            return [Ended(command, outcome, [])];
        }

        var recorded = outcome.IncidentEvents.Select(RecordedIncidentEvent.Of).ToList();
        session.Store(new ActionExecution
        {
            Id = key, RunId = command.RunId, StepId = command.StepId, Action = command.Action, Attempt = command.Attempt,
            Outputs = outcome.Outputs, IncidentEvents = recorded, CompletedAt = clock.GetUtcNow(),
        });
        var outgoing = new OutgoingMessages { Ended(command, outcome, recorded) };
        foreach (var (message, delay) in outcome.FollowUps) outgoing.Delay(message, delay);
        return outgoing;
    }

    private static ActionAttemptEnded Ended(ExecuteAction c, ActionOutcome outcome, List<RecordedIncidentEvent> recorded) =>
        new(c.RunId, c.StepId, c.Attempt, c.Compensation, outcome.Succeeded, outcome.Outputs, outcome.Error, outcome.TimedOut, recorded);
}
