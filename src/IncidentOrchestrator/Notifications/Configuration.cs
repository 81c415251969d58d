using Wolverine.ErrorHandling;

namespace IncidentOrchestrator.Notifications;

public static class Configuration
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<NotificationHub>();
        services.AddSingleton<EmailSender>();
        services.AddSingleton(configuration.GetSection("Notifications").Get<NotificationOptions>() ?? new NotificationOptions());
        return services;
    }
}

public static class NotificationPolicies
{
    /// <summary>A channel that fails is tried again later, a few times, before the delivery is dead-lettered.</summary>
    public static Wolverine.WolverineOptions ConfigureNotifications(this Wolverine.WolverineOptions opts)
    {
        opts.OnException<HttpRequestException>()
            .Or<ChannelUnavailableException>()
            .ScheduleRetry(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
        return opts;
    }
}
