using System.Diagnostics;
using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Telemetry;
using Marten;

namespace IncidentOrchestrator.Runs;

/// <summary>What an action executed inside a run's turn came to; its events count only when it succeeded.</summary>
public sealed record InlineOutcome(bool Succeeded, Dictionary<string, JsonElement> Outputs, string? Error, bool TimedOut,
    IReadOnlyList<object> IncidentEvents, IReadOnlyList<(object Message, TimeSpan Delay)> FollowUps);

/// <summary>
/// Executes the actions that run in the run's own turn (<see cref="IAction.RunsInTheRunsTurn"/>). Such a step costs no
/// durable message to an executor and back, no transaction of its own and no execution record: the turn that starts it
/// also takes its result, so it happens exactly once because the turn commits once. Actions with an effect outside the
/// incident keep going through <see cref="ExecuteActionHandler"/>, where the idempotency key makes them happen once.
/// </summary>
public sealed class InlineActions(ActionRegistry registry, ILogger<InlineActions> logger)
{
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    public bool RunsInTheTurn(string action) => registry.Implementation(action) is { RunsInTheRunsTurn: true };

    public async Task<InlineOutcome> ExecuteAsync(ExecuteAction call, IDocumentSession session, Incident? incident, DateTimeOffset now,
        CancellationToken ct)
    {
        var action = registry.Implementation(call.Action)!;
        using var activity = IncidentTelemetry.Source.StartActivity("action " + call.Action);
        activity?.SetTag("incident.id", call.IncidentId);
        activity?.SetTag("run.id", call.RunId);
        activity?.SetTag("step.id", call.StepId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (call.Timeout is { } limit) timeout.CancelAfter(limit);

        var key = ActionExecution.KeyFor(call.IncidentId, call.RunId, call.StepId, call.Compensation);
        var context = new ActionContext(call.IncidentId, call.RunId, call.StepId, call.Attempt, key,
            call.Parameters.ToDictionary(p => p.Key, p => Playbooks.JsonValues.ToPlain(p.Value)), session, now, call.Approvals ?? [])
        {
            Incident = incident,
        };
        try
        {
            var result = await action.ExecuteAsync(context, timeout.Token);
            var outputs = result.Outputs.ToDictionary(o => o.Key, o => JsonSerializer.SerializeToElement(o.Value, Json));
            return new InlineOutcome(true, outputs, null, false, context.IncidentEvents, result.FollowUps ?? []);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return Failed($"timed out after {Playbooks.Model.Durations.Format(call.Timeout!.Value)}", timedOut: true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            if (e is not ActionFailedException) logger.LogWarning(e, "Action {Action} failed for {Key}", call.Action, key);
            return Failed(e.Message, timedOut: false);
        }
    }

    private static InlineOutcome Failed(string error, bool timedOut) => new(false, [], error, timedOut, [], []);
}
