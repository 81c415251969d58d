using System.Security.Claims;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace IncidentOrchestrator.Timeline;

public sealed record TimelineItem(long Sequence, DateTimeOffset At, string Type, string Actor, string Summary, JsonElement Data);

public static class GetTimelineEndpoint
{
    [WolverineGet("/api/incidents/{id}/timeline"), Authorize(Roles = Roles.Readers)]
    public static async Task<Results<Ok<IReadOnlyList<TimelineItem>>, ProblemHttpResult>> Get(
        Guid id, IQuerySession session, ClaimsPrincipal user, CancellationToken ct)
    {
        var incident = await session.LoadAsync<Incident>(id, ct);
        if (incident is null || !user.Caller().CanSee(incident)) return Problems.NotFound("Incident", id);

        var entries = await session.Query<TimelineEntry>()
            .Where(x => x.IncidentId == id)
            .OrderBy(x => x.Sequence)
            .ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<TimelineItem>>(
            entries.Select(e => new TimelineItem(e.Sequence, e.At, e.Type, e.Actor, e.Summary, e.Data)).ToList());
    }
}
