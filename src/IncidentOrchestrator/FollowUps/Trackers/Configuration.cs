namespace IncidentOrchestrator.FollowUps.Trackers;

public static class Configuration
{
    public static IServiceCollection AddTrackers(this IServiceCollection services, IConfiguration configuration)
    {
        var trackers = new Trackers();
        foreach (var section in configuration.GetSection("Trackers").GetChildren())
            trackers[section.Key] = section.Get<TrackerOptions>() ?? new TrackerOptions();
        var problems = trackers.Where(t => t.Value.Problem is not null).Select(t => $"Trackers__{t.Key}: {t.Value.Problem}").ToList();
        if (problems.Count > 0) // a tracker that could never take an export should stop the start, not fail quietly later
            throw new InvalidOperationException("The trackers are misconfigured:\n  " + string.Join("\n  ", problems));
        services.AddSingleton(trackers);
        services.AddSingleton<TrackerClients>();
        services.AddHttpClient(nameof(TrackerClients), http => http.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        return services;
    }
}
