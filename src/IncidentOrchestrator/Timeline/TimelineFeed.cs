using System.Runtime.CompilerServices;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using Marten;

namespace IncidentOrchestrator.Timeline;

/// <summary>
/// An incident's new timeline events as they are recorded, for live readers (the API's event stream, the web console).
/// It polls the database rather than listening on this node, so it sees what any node appended; it ends when the caller
/// may no longer see the incident.
/// </summary>
public static class TimelineFeed
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    public sealed record Filter(string[] Types, string[] Hidden, string? Actor = null);

    public static async IAsyncEnumerable<IReadOnlyList<TimelineItem>> FollowAsync(IDocumentStore store, TimelineEventTypes eventTypes, Caller caller,
        Guid id, long after, Filter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var seen = after;
        while (!ct.IsCancellationRequested)
        {
            await using (var session = store.QuerySession())
            {
                if (await session.LoadAsync<Incident>(id, ct) is not { } incident || !caller.CanSee(incident)) yield break;
                while (incident.Version > seen)
                {
                    var (items, next) = await StoredLine.ItemsAsync(session, eventTypes, new(id, false, seen, StoredLine.MaxPage, filter.Types,
                        filter.Hidden, null, Redaction.AppliesTo(caller, incident), filter.Actor), ct);
                    // A page read forward may reach past the version the incident was read at (an event appended
                    // between the two reads); what was delivered is never delivered again.
                    seen = Math.Max(next ?? incident.Version, items.Count > 0 ? items[^1].Sequence : seen);
                    if (items.Count > 0) yield return items;
                }
            }
            await Task.Delay(Every, ct).ContinueWith(_ => { }, CancellationToken.None);
        }
    }
}
