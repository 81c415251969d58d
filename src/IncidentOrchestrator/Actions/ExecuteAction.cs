using System.Diagnostics;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Telemetry;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Actions;

/// <summary>Run one attempt of a step's action (or of its undo) with its parameters already rendered.</summary>
public sealed record ExecuteAction(
    Guid IncidentId, Guid RunId, string StepId, int Attempt, bool Compensation, string Action,
    Dictionary<string, JsonElement> Parameters, TimeSpan? Timeout, IReadOnlyList<string>? Approvals = null);

public static class ExecuteActionHandler
{
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    public static async Task<OutgoingMessages> Handle(ExecuteAction command, ActionRegistry registry, IDocumentSession session,
        TimeProvider clock, ILogger<ExecuteAction> logger, CancellationToken ct)
    {
        var key = ActionExecution.KeyFor(command.IncidentId, command.RunId, command.StepId, command.Compensation);
        if (await session.LoadAsync<ActionExecution>(key, ct) is { } done)
        {
            logger.LogInformation("Action {Action} for {Key} already ran; reporting its result again", command.Action, key);
            return [Ended(command, true, done.Outputs, null, false, done.IncidentEvents)];
        }

        var action = registry.Implementation(command.Action);
        if (action is null) return [Ended(command, false, [], $"no implementation of action '{command.Action}' is installed", false)];

        using var activity = IncidentTelemetry.Source.StartActivity("action " + command.Action);
        activity?.SetTag("incident.id", command.IncidentId);
        activity?.SetTag("run.id", command.RunId);
        activity?.SetTag("step.id", command.StepId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (command.Timeout is { } limit) timeout.CancelAfter(limit);

        var context = new ActionContext(command.IncidentId, command.RunId, command.StepId, command.Attempt, key,
            command.Parameters.ToDictionary(p => p.Key, p => Playbooks.JsonValues.ToPlain(p.Value)), session, clock.GetUtcNow(),
            command.Approvals ?? []);
        try
        {
            var result = await action.ExecuteAsync(context, timeout.Token);
            var outputs = result.Outputs.ToDictionary(o => o.Key, o => JsonSerializer.SerializeToElement(o.Value, Json));
            var recorded = context.IncidentEvents.Select(RecordedIncidentEvent.Of).ToList();
            session.Store(new ActionExecution
            {
                Id = key, RunId = command.RunId, StepId = command.StepId, Action = command.Action, Attempt = command.Attempt,
                Outputs = outputs, IncidentEvents = recorded, CompletedAt = clock.GetUtcNow(),
            });
            var outgoing = new OutgoingMessages { Ended(command, true, outputs, null, false, recorded) };
            foreach (var (message, delay) in result.FollowUps ?? []) outgoing.Delay(message, delay);
            return outgoing;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            session.EjectAllPendingChanges();
            return [Ended(command, false, [], $"timed out after {Playbooks.Model.Durations.Format(command.Timeout!.Value)}", true)];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever the action queued in the session is dropped: a failed attempt changes nothing.
            session.EjectAllPendingChanges();
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            if (e is not ActionFailedException) logger.LogWarning(e, "Action {Action} failed for {Key}", command.Action, key);
            return [Ended(command, false, [], e.Message, false)];
        }
    }

    private static ActionAttemptEnded Ended(ExecuteAction c, bool succeeded, Dictionary<string, JsonElement> outputs, string? error, bool timedOut,
        List<RecordedIncidentEvent>? recorded = null) =>
        new(c.RunId, c.StepId, c.Attempt, c.Compensation, succeeded, outputs, error, timedOut, recorded ?? []);
}
