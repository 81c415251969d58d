using Marten;

namespace IncidentOrchestrator.Timeline;

/// <summary>The kinds of event a timeline can show, by the name the API uses (the event's type name) and the name the event table stores.</summary>
public sealed class TimelineEventTypes
{
    private readonly Dictionary<string, string> _stored;

    public TimelineEventTypes(IDocumentStore store)
    {
        var events = (Marten.Events.EventGraph)((StoreOptions)store.Options).Events;
        var types = typeof(ITimelineEvent).Assembly.GetTypes()
            .Where(t => typeof(ITimelineEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false }).ToList();
        _stored = types.ToDictionary(t => t.Name, t => events.EventMappingFor(t).EventTypeName, StringComparer.Ordinal);
        System = types.Where(t => typeof(ISystemEvent).IsAssignableFrom(t)).Select(t => _stored[t.Name]).ToArray();
        Names = _stored.Keys.Order(StringComparer.Ordinal).ToArray();
        _hidingNothing = types.Where(t => !Security.Redaction.Hides(t)).Select(t => _stored[t.Name]).ToHashSet(StringComparer.Ordinal);
    }

    private readonly HashSet<string> _hidingNothing;

    /// <summary>
    /// Whether the event type stored under this name is a timeline event with no field that redaction hides today; an
    /// unknown name is not.
    /// </summary>
    public bool HidesNothing(string storedName) => _hidingNothing.Contains(storedName);

    public IReadOnlyList<string> Names { get; }

    /// <summary>The stored names of the engine's bookkeeping events.</summary>
    public string[] System { get; }

    public string? StoredName(string name) => _stored.GetValueOrDefault(name);
}
