namespace IncidentOrchestrator.Detection;

public static class Configuration
{
    public static IServiceCollection AddDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Detection").Get<DetectionOptions>() ?? new DetectionOptions());
        Hosting.StartupWarnings.Add<ScannedAccess>(services);
        services.AddSingleton<AclDriftScanner>();
        services.AddHostedService<AclDriftScanning>();
        return services;
    }
}
