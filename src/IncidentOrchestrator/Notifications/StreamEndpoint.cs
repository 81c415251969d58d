using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Notifications;

/// <summary><c>GET /api/stream</c>: server-sent events of the notifications meant for the caller.</summary>
public static class StreamEndpoint
{
    public static void MapNotificationStream(this WebApplication app) =>
        app.MapGet("/api/stream", (HttpContext context, NotificationHub hub) =>
                TypedResults.ServerSentEvents(Events(hub, context.User.Caller(), context.RequestAborted)))
            .RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { Roles = Roles.Readers })
            .WithName("NotificationStream");

    private static async IAsyncEnumerable<SseItem<Notification>> Events(NotificationHub hub, Caller caller,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var subscription = hub.Subscribe(caller, out var reader);
        yield return new SseItem<Notification>(new Notification(Guid.Empty, "connected", $"Connected as {caller.Subject}", "/api", [], DateTimeOffset.UtcNow), "connected");
        await foreach (var notification in reader.ReadAllAsync(ct))
            yield return new SseItem<Notification>(notification, notification.Kind);
    }
}
