namespace IncidentOrchestrator.Timeline;

public static class Configuration
{
    public static IServiceCollection AddTimeline(this IServiceCollection services) => services.AddSingleton<TimelineEventTypes>();
}
