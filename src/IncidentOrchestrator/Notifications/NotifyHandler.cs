using IncidentOrchestrator.Incidents;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Notifications;

public static class NotifyHandler
{
    public static async Task<OutgoingMessages> Handle(Notify notify, IQuerySession session, NotificationHub hub, NotificationOptions options,
        TimeProvider clock, CancellationToken ct)
    {
        var incident = await session.LoadAsync<Incident>(notify.IncidentId, ct);
        var notification = new Notification(notify.IncidentId, notify.Kind, notify.Title, $"/api/incidents/{notify.IncidentId}", notify.Audience,
            clock.GetUtcNow())
        {
            Restricted = incident?.Restricted ?? true,
            Participants = incident?.Participants ?? [],
        };
        hub.Publish(notification);
        // A restricted incident's notifications stay in the service: channels are shared places.
        return notification.Restricted
            ? []
            : new OutgoingMessages(options.Webhooks.Keys.Select(channel => new DeliverNotification(channel, notification)));
    }
}
