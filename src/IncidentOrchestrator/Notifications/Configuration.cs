using Wolverine.ErrorHandling;

namespace IncidentOrchestrator.Notifications;

public static class Configuration
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<NotificationHub>();
        services.AddSingleton<EmailSender>();
        var options = configuration.GetSection("Notifications").Get<NotificationOptions>() ?? new NotificationOptions();
        if (Problems(options) is { Count: > 0 } problems) // a channel that could never deliver should stop the start, not fail quietly later
            throw new InvalidOperationException("The notification channels are misconfigured:\n  " + string.Join("\n  ", problems));
        services.AddSingleton(options);
        return services;
    }

    public static List<string> Problems(NotificationOptions options)
    {
        var problems = new List<string>();
        foreach (var (name, channel) in options.Channels)
        {
            var at = $"Notifications__Channels__{name}";
            var kind = channel.Kind.ToLowerInvariant();
            if (!NotificationChannel.AllKinds.Contains(kind))
                problems.Add($"{at}__Kind is '{channel.Kind}'; one of {string.Join(", ", NotificationChannel.AllKinds)}");
            if (kind is NotificationChannel.Slack or NotificationChannel.Teams or NotificationChannel.Webhook && !Uri.TryCreate(channel.Url, UriKind.Absolute, out _))
                problems.Add($"{at}__Url: a {kind} channel needs the absolute address to post to");
            if (kind == NotificationChannel.PagerDuty && string.IsNullOrWhiteSpace(channel.RoutingKey))
                problems.Add($"{at}__RoutingKey: a pagerduty channel needs its integration's routing key");
            if (kind == NotificationChannel.Email && channel.To.Count == 0) problems.Add($"{at}__To__0: an email channel needs an address");
            if (kind == NotificationChannel.Email && string.IsNullOrWhiteSpace(options.Smtp.Host))
                problems.Add($"Notifications__Smtp__Host: the email channel {name} needs an SMTP server");
            foreach (var wanted in channel.Notifications.Where(k => !NotificationKinds.All.Contains(k, StringComparer.OrdinalIgnoreCase)))
                problems.Add($"{at}__Notifications: '{wanted}' is not a kind; one of {string.Join(", ", NotificationKinds.All)}");
        }
        return problems;
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
