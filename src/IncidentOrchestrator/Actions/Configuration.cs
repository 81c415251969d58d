using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Actions.IncidentUpdates;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Playbooks.Actions;
using Marten;

namespace IncidentOrchestrator.Actions;

public static class Configuration
{
    public static IServiceCollection AddActions(this IServiceCollection services)
    {
        services.AddSingleton<IAction, SetSeverity>();
        services.AddSingleton<IAction, AddNote>();
        services.AddSingleton<IAction, Notify>();
        services.AddSingleton<NamedConnections>();
        services.AddSingleton<IAction, Revoke>();
        services.AddSingleton<IAction, Grant>();
        services.AddSingleton<IAction, VerifyNoAccess>();
        services.AddSingleton<IAction, DisableLogin>();
        services.AddSingleton<IAction, EnableLogin>();
        services.AddSingleton<IAction, SnapshotEvidence>();
        services.AddSingleton<ActionRegistry>();
        services.AddSingleton<IActionCatalog>(sp => sp.GetRequiredService<ActionRegistry>());
        return services;
    }

    public static StoreOptions ConfigureActions(this StoreOptions opts)
    {
        opts.Schema.For<ActionExecution>().Index(x => x.RunId);
        opts.Schema.For<EvidenceItem>().Index(x => x.IncidentId);
        return opts;
    }
}
