using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Runs;

/// <summary>The commander's controls over a run: cancel it, or answer an escalated step with retry or skip.</summary>
public static class ControlRunEndpoints
{
    [WolverinePost("/api/incidents/{id}/runs/{runId}/cancel"), Authorize(Roles = Roles.Commander)]
    public static async Task<IResult> Cancel(Guid id, Guid runId, IQuerySession session, IMessageBus bus, ClaimsPrincipal user,
        HttpRequest request, CancellationToken ct)
    {
        var (body, refused) = await IncomingText.OptionalJsonAsync<CancelRunRequest>(request, ct);
        return refused ?? (await CancelAsync(id, runId, body?.Reason, session, bus, user, ct)).ToHttp(() => Accepted(id, runId));
    }

    /// <summary>Cancels a run that has not ended (the API's body and the console's form both carry the optional reason).</summary>
    public static async Task<Outcome> CancelAsync(Guid id, Guid runId, string? reason, IQuerySession session, IMessageBus bus, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var (run, refused) = await FindAsync(id, runId, session, ct);
        if (refused is not null) return refused;
        if (run!.HasEnded) return Refusal.Conflict("The run has ended", $"Run {runId} already ended {run.State}.");

        await bus.PublishAsync(new CancelRun(runId, reason, user.Caller().Subject));
        return Outcome.Done;
    }

    [WolverinePost("/api/incidents/{id}/runs/{runId}/steps/{stepId}/retry"), Authorize(Roles = Roles.Commander)]
    public static Task<IResult> Retry(Guid id, Guid runId, string stepId, IQuerySession session, IMessageBus bus, ClaimsPrincipal user,
        CancellationToken ct) => Resolved(id, runId, ResolveAsync(id, runId, stepId, "retry", session, bus, user, ct));

    [WolverinePost("/api/incidents/{id}/runs/{runId}/steps/{stepId}/skip"), Authorize(Roles = Roles.Commander)]
    public static Task<IResult> Skip(Guid id, Guid runId, string stepId, IQuerySession session, IMessageBus bus, ClaimsPrincipal user,
        CancellationToken ct) => Resolved(id, runId, ResolveAsync(id, runId, stepId, "skip", session, bus, user, ct));

    /// <summary>The commander's answer to an escalated step: <c>retry</c> or <c>skip</c>.</summary>
    public static async Task<Outcome> ResolveAsync(Guid id, Guid runId, string stepId, string resolution, IQuerySession session,
        IMessageBus bus, ClaimsPrincipal user, CancellationToken ct)
    {
        var (run, refused) = await FindAsync(id, runId, session, ct);
        if (refused is not null) return refused;
        if (run!.Steps.GetValueOrDefault(stepId) is not { } step) return Refusal.NotFound("Step", stepId);
        if (!RunDecider.AwaitsAnswer(run, stepId))
            return Refusal.Conflict("The step is not escalated", $"Step {stepId} is {step.Status}; only an escalated step can be retried or skipped.");

        await bus.PublishAsync(new ResolveEscalation(runId, stepId, resolution, user.Caller().Subject));
        return Outcome.Done;
    }

    private static async Task<IResult> Resolved(Guid id, Guid runId, Task<Outcome> resolving) => (await resolving).ToHttp(() => Accepted(id, runId));

    private static IResult Accepted(Guid id, Guid runId) => TypedResults.Accepted($"/api/incidents/{id}/runs/{runId}");

    private static async Task<(PlaybookRun?, Refusal?)> FindAsync(Guid id, Guid runId, IQuerySession session, CancellationToken ct)
    {
        var incident = await session.LoadAsync<Incident>(id, ct);
        if (incident is null) return (null, Refusal.NotFound("Incident", id));
        var run = await session.LoadAsync<PlaybookRun>(runId, ct);
        return run is null || run.IncidentId != id ? (null, Refusal.NotFound("Run", runId)) : (run, null);
    }
}
