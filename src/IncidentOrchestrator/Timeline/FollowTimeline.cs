using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Timeline;

/// <summary>
/// <c>GET /api/incidents/{id}/timeline/stream</c>: server-sent events, one <c>timeline</c> event per timeline item as it
/// is recorded, its id the item's sequence. It starts after <c>after</c> (or the <c>Last-Event-ID</c> a reconnecting
/// client sends; without either, it starts from now; 0 replays the whole timeline first) and takes the timeline's filters
/// (<c>types</c>, <c>actor</c>, <c>system=false</c>). The first event, <c>connected</c>, says where it starts
/// (<c>{"after": n}</c>). A read of a restricted incident is recorded when the stream opens.
/// </summary>
public static class FollowTimelineEndpoint
{
    [WolverineGet("/api/incidents/{id}/timeline/stream"), Authorize(Roles = Roles.Readers)]
    public static IResult Get(Guid id, long? after, string? types, string? actor, bool? system, TimelineEventTypes eventTypes, IDocumentStore store,
        ClaimsPrincipal user, HttpContext context)
    {
        var validation = new Problems.Validation();
        var stored = GetTimelineEndpoint.StoredTypes(types, eventTypes, validation);
        var resumeFrom = long.TryParse(context.Request.Headers["Last-Event-ID"], out var last) ? last : after;
        validation.Require(resumeFrom is null or >= 0, "after", "A sequence (0 or more).");
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The timeline query is not valid"));

        var start = resumeFrom ?? NeedToKnowGate.Admitted(context, id)?.Version ?? 0;
        var filter = new TimelineFeed.Filter(stored, system == false ? eventTypes.System : [], actor);
        return TypedResults.ServerSentEvents(Items(store, eventTypes, user.Caller(), id, start, filter, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<object>> Items(IDocumentStore store, TimelineEventTypes eventTypes, Caller caller, Guid id, long after,
        TimelineFeed.Filter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new SseItem<object>(new { after }, "connected");
        await foreach (var batch in TimelineFeed.FollowAsync(store, eventTypes, caller, id, after, filter, ct))
            foreach (var item in batch)
                yield return new SseItem<object>(item, "timeline") { EventId = item.Sequence.ToString() };
    }
}
