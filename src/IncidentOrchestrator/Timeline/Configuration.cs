using Marten;

namespace IncidentOrchestrator.Timeline;

public static class Configuration
{
    /// <summary>Every appended event carries its timeline line (<see cref="StoredLine"/>) in the event table's headers.</summary>
    public static IServiceCollection AddTimeline(this IServiceCollection services) => services.AddSingleton<TimelineEventTypes>()
        .ConfigureMarten((provider, opts) =>
        {
            opts.Events.MetadataConfig.HeadersEnabled = true;
            opts.Listeners.Add(new StoredLine.Writer(provider.GetRequiredService<ILogger<StoredLine.Writer>>()));
        });
}
