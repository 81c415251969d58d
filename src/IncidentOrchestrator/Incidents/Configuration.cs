using JasperFx.Events.Projections;
using Marten;

namespace IncidentOrchestrator.Incidents;

public static class Configuration
{
    public static StoreOptions ConfigureIncidents(this StoreOptions opts)
    {
        opts.Projections.Snapshot<Incident>(SnapshotLifecycle.Inline);
        opts.Schema.For<Security.IncidentRead>().Index(x => x.IncidentId);
        opts.Schema.For<Incident>()
            .Index(x => x.Status)
            .Index(x => x.OpenedAt);
        return opts;
    }
}
