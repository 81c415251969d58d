using IncidentOrchestrator.Runs;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Notifications;

public static class NotifyHandler
{
    public static async Task<OutgoingMessages> Handle(Notify notify, IQuerySession session, NotificationHub hub, NotificationOptions options,
        TimeProvider clock, CancellationToken ct)
    {
        var subject = await RunSubject.LoadAsync(session, notify.IncidentId, ct);
        var notification = new Notification(notify.IncidentId, notify.Kind, notify.Title, subject?.ApiLink ?? $"/api/incidents/{notify.IncidentId}",
            subject?.Audience(notify.Audience) ?? notify.Audience, clock.GetUtcNow())
        {
            Restricted = subject?.Restricted ?? true,
            Participants = subject?.Participants ?? [],
            Viewers = subject?.Viewers ?? [],
            Subject = subject?.Kind ?? Playbooks.Model.Subjects.Incident,
            ConsoleLink = subject?.ConsoleLink ?? RunSubject.ConsoleLinkOf(Playbooks.Model.Subjects.Incident, notify.IncidentId),
            IncidentTitle = subject?.Title,
            Severity = subject?.Incident?.Severity,
            WorkId = notify.WorkId,
            DueBy = notify.DueBy,
            WorkKind = notify.WorkKind,
        };
        hub.Publish(notification);
        var outgoing = new OutgoingMessages();
        // The older webhooks never hear of a restricted incident (nor of an access request); channels do, with nothing sensitive (see ChannelMessage).
        if (!notification.Restricted)
            foreach (var webhook in options.Webhooks.Keys) outgoing.Add(new DeliverNotification(webhook, notification, Guid.CreateVersion7()));
        foreach (var (name, channel) in options.Channels.Where(c => c.Value.Takes(notification)))
            outgoing.Add(new DeliverNotification(name, notification, Guid.CreateVersion7()));
        return outgoing;
    }
}
