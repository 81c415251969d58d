using IncidentOrchestrator.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentOrchestrator.Tests.Integrations;

/// <summary>A channel that could never deliver stops the service at start, naming the setting, rather than losing messages quietly.</summary>
public sealed class when_a_channel_is_misconfigured
{
    private static InvalidOperationException Start(Dictionary<string, string?> settings) =>
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddNotifications(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));

    [Fact]
    public void each_problem_is_named_by_its_setting()
    {
        var refused = Start(new()
        {
            ["Notifications:Channels:chat:Kind"] = "slak",
            ["Notifications:Channels:cards:Kind"] = "teams",
            ["Notifications:Channels:pager:Kind"] = "pagerduty",
            ["Notifications:Channels:mail:Kind"] = "email",
            ["Notifications:Channels:hook:Kind"] = "webhook",
            ["Notifications:Channels:hook:Url"] = "https://hooks.example.test/incidents",
            ["Notifications:Channels:hook:Notifications:0"] = "tasks",
        });

        Assert.Contains("Notifications__Channels__chat__Kind is 'slak'", refused.Message);
        Assert.Contains("Notifications__Channels__cards__Url", refused.Message);
        Assert.Contains("Notifications__Channels__pager__RoutingKey", refused.Message);
        Assert.Contains("Notifications__Channels__mail__To__0", refused.Message);
        Assert.Contains("Notifications__Smtp__Host", refused.Message);
        Assert.Contains("'tasks' is not a kind", refused.Message);
    }

    [Fact]
    public void a_complete_channel_starts()
    {
        var services = new ServiceCollection().AddNotifications(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:Channels:hook:Kind"] = "webhook",
            ["Notifications:Channels:hook:Url"] = "https://hooks.example.test/incidents",
            ["Notifications:Channels:hook:Notifications:0"] = "task",
        }).Build());
        Assert.Contains(services, s => s.ServiceType == typeof(NotificationOptions));
    }
}
