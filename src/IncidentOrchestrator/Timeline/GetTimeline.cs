using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace IncidentOrchestrator.Timeline;

public static class GetTimelineEndpoint
{
    [WolverineGet("/api/incidents/{id}/timeline"), Authorize(Roles = Roles.Readers)]
    public static async Task<Results<Ok<IReadOnlyList<TimelineItem>>, ProblemHttpResult>> Get(
        Guid id, IQuerySession session, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await session.LoadAsync<Incident>(id, ct) is not { } incident) return Problems.NotFound("Incident", id);
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        return TypedResults.Ok(TimelineProjection.Project(events, Redaction.AppliesTo(user.Caller(), incident)));
    }
}
