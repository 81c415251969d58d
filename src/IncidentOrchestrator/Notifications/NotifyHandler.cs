using IncidentOrchestrator.Incidents;
using Marten;

namespace IncidentOrchestrator.Notifications;

public static class NotifyHandler
{
    public static async Task Handle(Notify notify, IQuerySession session, NotificationHub hub, TimeProvider clock, CancellationToken ct)
    {
        var incident = await session.LoadAsync<Incident>(notify.IncidentId, ct);
        hub.Publish(new Notification(notify.IncidentId, notify.Kind, notify.Title, $"/api/incidents/{notify.IncidentId}", notify.Audience,
            clock.GetUtcNow())
        {
            Restricted = incident?.Restricted ?? true,
            Participants = incident?.Participants ?? [],
        });
    }
}
