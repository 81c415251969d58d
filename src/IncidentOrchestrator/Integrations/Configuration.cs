using Marten;

namespace IncidentOrchestrator.Integrations;

public static class Configuration
{
    public static IServiceCollection AddIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Integrations").Get<IntegrationOptions>() ?? new IntegrationOptions());
        return services;
    }

    public static StoreOptions ConfigureIntegrations(this StoreOptions opts)
    {
        opts.Schema.For<Signals.SignalReceipt>();
        opts.Schema.For<IntegrationRefusal>().Index(x => x.At);
        opts.Schema.For<SlackRequestSeen>().Index(x => x.At);
        return opts;
    }
}
