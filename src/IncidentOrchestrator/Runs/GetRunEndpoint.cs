using System.Security.Claims;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace IncidentOrchestrator.Runs;

/// <summary>A run as the API shows it (<see cref="RunView"/>, in the contracts), made from the run's state.</summary>
public static class RunViews
{
    /// <summary>Steps are listed in the playbook's order.</summary>
    public static RunView Of(PlaybookRun run, IReadOnlyList<string> order, bool redact = false) => new(run.Id, run.IncidentId, run.Playbook, run.PlaybookHash,
        run.Status, run.EndReason, run.StartedAt, run.EndedAt, run.StartedBy, run.ParentRunId,
        order.Where(run.Steps.ContainsKey).Select(id => Step(id, run.Steps[id], redact)).ToList());

    private static RunStepView Step(string id, StepRun s, bool redact) =>
        new(id, s.Status, s.Outcome, s.Attempts, s.StartedAt, s.EndedAt, redact ? Redacted(s.Outputs) : s.Outputs, s.Error, s.Escalated, s.WaitingFor,
            s.NextAttemptAt);

    /// <summary>Outputs can name people and data: the names of the outputs stay, their values do not.</summary>
    private static Dictionary<string, JsonElement> Redacted(Dictionary<string, JsonElement> outputs) =>
        outputs.ToDictionary(o => o.Key, _ => JsonSerializer.SerializeToElement(Redaction.Placeholder));
}

public static class GetRunEndpoint
{
    [WolverineGet("/api/incidents/{id}/runs/{runId}"), Authorize(Roles = Roles.Readers)]
    public static async Task<Results<Ok<RunView>, ProblemHttpResult>> Get(Guid id, Guid runId, IQuerySession session,
        PinnedPlaybooks playbooks, ClaimsPrincipal user, CancellationToken ct) =>
        await FindAsync(id, runId, session, playbooks, user, ct) switch
        {
            { Refused: { } refused } => refused.ToProblemResult(),
            var found => TypedResults.Ok(found.Value!),
        };

    /// <summary>A run of the incident, its outputs redacted for a caller without need-to-know.</summary>
    public static async Task<Outcome<RunView>> FindAsync(Guid id, Guid runId, IQuerySession session, PinnedPlaybooks playbooks, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var run = await session.LoadAsync<PlaybookRun>(runId, ct);
        if (run is null || run.IncidentId != id) return Refusal.NotFound("Run", runId);

        var playbook = await playbooks.GetAsync(run.PlaybookHash, session, ct);
        var incident = await session.LoadAsync<Incident>(id, ct);
        return RunViews.Of(run, playbook.Steps.Select(s => s.Id).ToList(), Redaction.AppliesTo(user.Caller(), incident!));
    }
}
