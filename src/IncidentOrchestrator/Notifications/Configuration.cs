namespace IncidentOrchestrator.Notifications;

public static class Configuration
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<NotificationHub>();
        return services;
    }
}
