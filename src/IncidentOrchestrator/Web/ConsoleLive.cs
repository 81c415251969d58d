using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Incidents.Listing;
using IncidentOrchestrator.Notifications;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;
using IncidentOrchestrator.Timeline;
using Marten;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentOrchestrator.Web;

/// <summary>
/// Live pages: server-sent events of HTML fragments that htmx puts in place (new timeline events on an incident page,
/// new incidents on the list, "something changed" on My work). Each stream reads the database itself, so it works on
/// whichever node the browser reached, and sees only what the person may see.
/// </summary>
public static class ConsoleLive
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/incidents/{id:guid}/live", (Guid id, long after, bool? system, HttpContext context) =>
            TypedResults.ServerSentEvents(TimelineAsync(id, after, system == true, context, context.RequestAborted))).Through(FollowTimelineEndpoint.Get);
        console.MapGet("/incidents/live", (HttpContext context) =>
            TypedResults.ServerSentEvents(IncidentsAsync(context, DateTimeOffset.UtcNow, context.RequestAborted))).Through(ListIncidentsEndpoint.Get);
        console.MapGet("/work/live", (HttpContext context, NotificationHub hub) =>
            TypedResults.ServerSentEvents(WorkAsync(context, hub, context.RequestAborted))).Through(TaskEndpoints.List, ApprovalEndpoints.List);
    }

    private static async IAsyncEnumerable<SseItem<string>> TimelineAsync(Guid id, long after, bool showSystem, HttpContext context,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var services = context.RequestServices;
        var eventTypes = services.GetRequiredService<TimelineEventTypes>();
        var filter = new TimelineFeed.Filter([], showSystem ? [] : eventTypes.System);
        yield return new SseItem<string>("", "connected");
        await foreach (var items in TimelineFeed.FollowAsync(services.GetRequiredService<IDocumentStore>(), eventTypes, context.User.Caller(), id, after, filter, ct))
            yield return new SseItem<string>(await RenderAsync<Shared.TimelineRows>(services, new { Items = items.OrderByDescending(i => i.Sequence).ToList() }),
                "timeline");
    }

    private static async IAsyncEnumerable<SseItem<string>> IncidentsAsync(HttpContext context, DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
    {
        var services = context.RequestServices;
        var store = services.GetRequiredService<IDocumentStore>();
        var caller = context.User.Caller();
        var reads = services.GetRequiredService<IncidentReads>();
        var readBy = NeedToKnowGate.EndpointName(context);
        var shown = new HashSet<Guid>();
        yield return new SseItem<string>("", "connected");
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(Every, ct).ContinueWith(_ => { }, CancellationToken.None);
            if (ct.IsCancellationRequested) yield break;
            await using var session = store.QuerySession();
            var opened = await session.Query<Incident>().VisibleTo(caller).Where(i => i.OpenedAt >= since).OrderBy(i => i.OpenedAt).Take(50).ToListAsync(ct);
            var fresh = opened.Where(i => shown.Add(i.Id)).ToList();
            // A restricted incident pushed to the page is read, as on the list: recorded once, before it is shown.
            await reads.RecordAsync(fresh.Where(i => i.Restricted).Select(i => i.Id).ToList(), caller, readBy, IncidentReads.Allowed, ct);
            foreach (var incident in fresh)
                yield return new SseItem<string>(await RenderAsync<Shared.IncidentRow>(services, new { Incident = IncidentSummary.Of(incident) }), "incident");
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> WorkAsync(HttpContext context, NotificationHub hub, [EnumeratorCancellation] CancellationToken ct)
    {
        using var subscription = hub.Subscribe(context.User.Caller(), out var reader);
        yield return new SseItem<string>("", "connected");
        await foreach (var notification in reader.ReadAllAsync(ct))
            if (Notifications.NotificationKinds.ChangesWork(notification.Kind))
                yield return new SseItem<string>(notification.Title, "work");
    }

    /// <summary>A component rendered to HTML outside a page request's own rendering.</summary>
    public static async Task<string> RenderAsync<TComponent>(IServiceProvider services, object parameters) where TComponent : IComponent
    {
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(
                parameters.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(parameters))))).ToHtmlString());
    }
}
