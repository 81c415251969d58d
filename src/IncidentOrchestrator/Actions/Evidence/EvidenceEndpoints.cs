using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Actions.Evidence;

public sealed record EvidenceSummary(Guid EvidenceId, string Name, int RowCount, bool Truncated, string Sha256, Guid RunId, string StepId,
    DateTimeOffset CapturedAt);

public static class EvidenceEndpoints
{
    [WolverineGet("/api/incidents/{id}/evidence"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> List(Guid id, IQuerySession session, CancellationToken ct)
    {
        var items = await session.Query<EvidenceItem>().Where(e => e.IncidentId == id).OrderBy(e => e.CapturedAt).ToListAsync(ct);
        return TypedResults.Ok(items.Select(e => new EvidenceSummary(e.Id, e.Name, e.RowCount, e.Truncated, e.Sha256, e.RunId, e.StepId, e.CapturedAt)).ToList());
    }

    [WolverineGet("/api/incidents/{id}/evidence/{evidenceId}"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid id, Guid evidenceId, IQuerySession session, ClaimsPrincipal user, CancellationToken ct)
    {
        var evidence = await session.LoadAsync<EvidenceItem>(evidenceId, ct);
        if (evidence is null || evidence.IncidentId != id) return Problems.NotFound("Evidence", evidenceId);
        // The rows themselves are the most sensitive thing an incident holds; their hash stays checkable by anyone who may see it.
        if (Redaction.AppliesTo(user.Caller(), (await session.LoadAsync<Incident>(id, ct))!)) evidence.Content = Redaction.Placeholder;
        return TypedResults.Ok(evidence);
    }
}
