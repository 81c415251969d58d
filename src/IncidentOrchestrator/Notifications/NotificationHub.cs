using System.Threading.Channels;
using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Notifications;

/// <summary>Live subscribers of this node; each gets only the notifications meant for them and about incidents they may see.</summary>
public sealed class NotificationHub
{
    private readonly Lock _gate = new();
    private readonly List<(Caller Caller, Channel<Notification> Channel)> _subscribers = [];

    public IDisposable Subscribe(Caller caller, out ChannelReader<Notification> reader)
    {
        var channel = Channel.CreateBounded<Notification>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        var entry = (caller, channel);
        lock (_gate) _subscribers.Add(entry);
        reader = channel.Reader;
        return new Unsubscribe(() =>
        {
            lock (_gate) _subscribers.Remove(entry);
            channel.Writer.TryComplete();
        });
    }

    public void Publish(Notification notification)
    {
        lock (_gate)
            foreach (var (caller, channel) in _subscribers)
                if (IsFor(notification, caller)) channel.Writer.TryWrite(notification);
    }

    public static bool IsFor(Notification n, Caller caller)
    {
        var mayView = caller.CanSee(n.Restricted, n.Participants) || n.Viewers.Any(caller.IsAddressedAs);
        var addressed = n.Audience.Count == 0
            || n.Audience.Any(caller.IsAddressedAs);
        // A person a notification names may hear it even before they are a participant (a task assigned to them makes them one).
        return addressed && (mayView || n.Audience.Contains($"user:{caller.Subject}"));
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
