namespace IncidentOrchestrator.Playbooks;

public static class Configuration
{
    public static IServiceCollection AddPlaybooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Playbooks").Get<PlaybookOptions>() ?? new PlaybookOptions());
        services.AddSingleton<PlaybookCatalog>();
        services.AddHostedService<PlaybookFolderWatcher>();
        services.AddHealthChecks().AddCheck<Hosting.YamlFolderLoaded<PlaybookCatalog>>("playbooks", tags: ["ready"]);
        return services;
    }
}
