using Marten;

namespace IncidentOrchestrator.Tasks;

public static class Configuration
{
    public static IServiceCollection AddTasks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("OnCall").Get<Rotations>() ?? new Rotations());
        services.AddSingleton(configuration.GetSection("Escalation").Get<EscalationPolicies>() ?? new EscalationPolicies());
        services.AddSingleton<TaskEscalation>();
        return services;
    }

    public static StoreOptions ConfigureTasks(this StoreOptions opts)
    {
        opts.Schema.For<TaskItem>()
            .Duplicate(x => x.OpenedAt, configure: index => index.Columns = ["opened_at", "id"])
            .Index(x => x.IncidentId).Index(x => x.RunId).Index(x => x.Assignee);
        return opts;
    }
}
