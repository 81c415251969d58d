using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Reporting;

public static class ReportEndpoint
{
    /// <summary>The post-incident report as <c>text/markdown</c>, redacted for readers without need-to-know.</summary>
    [WolverineGet("/api/incidents/{id}/report"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, ChainVerifier verifier, Timeline.TimelineEventTypes eventTypes, HttpContext context, TimeProvider clock,
        CancellationToken ct)
    {
        if (await IncidentRecord.LoadAsync(id, context.User.Caller(), session, verifier, eventTypes, ct) is not { } record) return Problems.NotFound("Incident", id);
        return TypedResults.Text(IncidentReport.Render(record, clock.GetUtcNow()), "text/markdown; charset=utf-8");
    }
}
