using Marten;

namespace IncidentOrchestrator.Timeline;

public static class Configuration
{
    public static IServiceCollection AddTimeline(this IServiceCollection services) => services.AddSingleton<TimelineEventTypes>();

    /// <summary>Every appended event carries its timeline line (<see cref="StoredLine"/>) in the event table's headers.</summary>
    public static StoreOptions ConfigureTimeline(this StoreOptions opts)
    {
        opts.Events.MetadataConfig.HeadersEnabled = true;
        opts.Listeners.Add(new StoredLine.Writer());
        return opts;
    }
}
