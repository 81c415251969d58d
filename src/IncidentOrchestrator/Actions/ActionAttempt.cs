using System.Diagnostics;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Telemetry;
using Marten;

namespace IncidentOrchestrator.Actions;

/// <summary>What one attempt of an action came to; its events and follow-ups count only when it succeeded.</summary>
public sealed record ActionOutcome(bool Succeeded, Dictionary<string, JsonElement> Outputs, string? Error, bool TimedOut,
    IReadOnlyList<object> IncidentEvents, IReadOnlyList<(object Message, TimeSpan Delay)> FollowUps)
{
    /// <summary>The action waits (<see cref="ActionResult.Waiting"/>): the step goes on running.</summary>
    public bool Waiting { get; init; }

    public static ActionOutcome Failed(string error, bool timedOut = false) => new(false, [], error, timedOut, [], []);
}

/// <summary>
/// Runs one attempt of an action, wherever it runs (the executor, or a run's own turn): traced, within the step's timeout,
/// an expected failure reported by its message and an unexpected one logged with its stack.
/// </summary>
public static class ActionAttempt
{
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    public static async Task<ActionOutcome> RunAsync(IAction action, ExecuteAction call, IDocumentSession session, Incident? incident,
        DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
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
            return new ActionOutcome(true, outputs, null, false, context.IncidentEvents, result.FollowUps ?? []) { Waiting = result.Waiting };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return ActionOutcome.Failed($"timed out after {Playbooks.Model.Durations.Format(call.Timeout!.Value)}", timedOut: true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            if (e is not ActionFailedException) logger.LogWarning(e, "Action {Action} failed for {Key}", call.Action, key);
            return ActionOutcome.Failed(e.Message);
        }
    }
}
