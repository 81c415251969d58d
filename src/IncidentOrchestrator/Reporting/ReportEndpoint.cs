using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Timeline;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Reporting;

public static class ReportEndpoint
{
    /// <summary>The post-incident report as <c>text/markdown</c>, redacted for readers without need-to-know.</summary>
    [WolverineGet("/api/incidents/{id}/report"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, ChainVerifier verifier, HttpContext context, TimeProvider clock,
        CancellationToken ct)
    {
        if (await session.LoadAsync<Incident>(id, ct) is not { } incident) return Problems.NotFound("Incident", id);
        var redact = Redaction.AppliesTo(context.User.Caller(), incident);

        var timeline = TimelineProjection.Project(await session.Events.FetchStreamAsync(id, token: ct), redact);
        var runs = await session.Query<PlaybookRun>().Where(r => r.IncidentId == id).ToListAsync(ct);
        var evidence = await session.Query<EvidenceItem>().Where(e => e.IncidentId == id).OrderBy(e => e.CapturedAt).ToListAsync(ct);
        var chain = await verifier.VerifyAsync(id, ct);

        var markdown = IncidentReport.Render(incident, timeline, runs.ToList(), evidence.ToList(), chain, redact, clock.GetUtcNow());
        return TypedResults.Text(markdown, "text/markdown; charset=utf-8");
    }
}
