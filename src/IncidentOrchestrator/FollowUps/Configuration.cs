using JasperFx.Events.Projections;
using Marten;

namespace IncidentOrchestrator.FollowUps;

public static class Configuration
{
    public static IServiceCollection AddFollowUps(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("FollowUps").Get<FollowUpOptions>() ?? new FollowUpOptions());
        Trackers.Configuration.AddTrackers(services, configuration);
        return services;
    }

    public static StoreOptions ConfigureFollowUps(this StoreOptions opts)
    {
        opts.Projections.Add(new FollowUpProjection(), ProjectionLifecycle.Inline);
        // due_at is a real column: the list pages by (due_at, id).
        opts.Schema.For<FollowUp>()
            .Duplicate(x => x.DueAt, configure: index => index.Columns = ["due_at", "id"])
            .Index(x => x.IncidentId)
            .Index(x => x.Owner);
        opts.Schema.For<Trackers.TrackerDeliverySeen>().Index(x => x.At);
        opts.Schema.For<FollowUpGate>().Index(x => x.IncidentId);
        return opts;
    }
}
