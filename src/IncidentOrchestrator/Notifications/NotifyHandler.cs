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
            IncidentTitle = incident?.Title,
            Severity = incident?.Severity,
            WorkId = notify.WorkId,
            DueBy = notify.DueBy,
            WorkKind = notify.WorkKind,
        };
        hub.Publish(notification);
        var outgoing = new OutgoingMessages();
        // The older webhooks never hear of a restricted incident; channels do, with nothing sensitive (see ChannelMessage).
        if (!notification.Restricted)
            foreach (var webhook in options.Webhooks.Keys) outgoing.Add(new DeliverNotification(webhook, notification, Guid.CreateVersion7()));
        foreach (var (name, channel) in options.Channels.Where(c => c.Value.Takes(notification)))
            outgoing.Add(new DeliverNotification(name, notification, Guid.CreateVersion7()));
        return outgoing;
    }
}
