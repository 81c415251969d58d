using IncidentOrchestrator.Incidents.Commanders;
using JasperFx.Events.Projections;
using Marten;

namespace IncidentOrchestrator.Incidents;

public static class Configuration
{
    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Incidents").Get<IncidentOptions>() ?? new IncidentOptions();
        Reviewing.IncidentReviewRules.Severities(options.ReviewRequiredFor); // a severity it does not know stops the start
        services.AddSingleton(options);
        services.AddSingleton<CommanderOnDuty>();
        services.AddSingleton<IncidentCommands>();
        services.AddHostedService<CommanderRotationNotice>();
        services.AddHealthChecks().AddCheck<CommandersOnDutyCheck>("commanders", tags: ["ready"]);
        return services;
    }

    public static StoreOptions ConfigureIncidents(this StoreOptions opts)
    {
        opts.Projections.Add(new IncidentProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<Security.IncidentRead>().Index(x => x.IncidentId);
        // opened_at is a real column: the list pages by (opened_at, id) through one index.
        opts.Schema.For<Incident>()
            .Duplicate(x => x.OpenedAt, configure: index => index.Columns = ["opened_at", "id"])
            .Index(x => x.Status)
            .Index(x => x.Commander);
        return opts;
    }
}
