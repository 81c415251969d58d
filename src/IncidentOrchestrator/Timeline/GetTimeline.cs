using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Timeline;

/// <summary>
/// <c>GET /api/incidents/{id}/timeline</c>, a page at a time: <c>after=&lt;sequence&gt;</c> reads forward
/// (oldest first, the default from the start), <c>before=&lt;sequence&gt;</c> reads backward (newest first:
/// "load older"); <c>limit</c> defaults to 200 (at most 1,000). Filters: <c>types</c> (a comma list of
/// event types), <c>actor</c>, <c>from</c> (events at or after a time) and <c>system=false</c> to hide the engine's
/// bookkeeping. The next page's
/// URL is in the <c>Link</c> header. A page passes the events' stored lines through (<see cref="StoredLine"/>), describing
/// in their place only the events whose line cannot pass; a page filtered by actor passes the actor's through.
/// </summary>
public static class GetTimelineEndpoint
{
    [WolverineGet("/api/incidents/{id}/timeline"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid id, long? after, long? before, int? limit, string? types, string? actor, bool? system,
        DateTimeOffset? from, IQuerySession session, TimelineEventTypes eventTypes, ClaimsPrincipal user, HttpContext context, CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var pageSize = Paging.Limit(limit, validation, StoredLine.DefaultPage, StoredLine.MaxPage);
        validation.Require(after is null || before is null, "before", "Give 'after' or 'before', not both.");
        validation.Require(after is null or >= 0, "after", "A sequence (0 or more).");
        validation.Require(before is null or >= 1, "before", "A sequence (1 or more).");
        var stored = StoredTypes(types, eventTypes, validation);
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The timeline query is not valid"));

        if ((NeedToKnowGate.Admitted(context, id) ?? await session.LoadAsync<Incident>(id, ct)) is not { } incident) return Problems.NotFound("Incident", id);
        var redact = Redaction.AppliesTo(user.Caller(), incident);
        var hidden = system == false ? eventTypes.System : [];
        var backward = before is not null;

        var start = backward ? before!.Value : after ?? 0;
        var (items, next) = await StoredLine.PageAsync(session, eventTypes, new(id, backward, start, pageSize, stored, hidden, from, redact, actor), ct);
        if (next is { } more) Paging.LinkNext(context, backward ? "before" : "after", more.ToString(), backward ? "after" : "before");
        return new StoredLine.Page(items);
    }

    /// <summary>The stored names of the event types a <c>types</c> parameter names; an unknown one is a field error.</summary>
    public static string[] StoredTypes(string? types, TimelineEventTypes eventTypes, Problems.Validation validation)
    {
        var stored = new List<string>();
        foreach (var type in types?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            if (eventTypes.StoredName(type) is { } name) stored.Add(name);
            else validation.Add("types", $"'{type}' is not an event type of the timeline ({string.Join(", ", eventTypes.Names)}).");
        }
        return stored.ToArray();
    }
}
