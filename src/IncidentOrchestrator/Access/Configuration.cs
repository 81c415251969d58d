using JasperFx.Events.Projections;
using Marten;

namespace IncidentOrchestrator.Access;

public static class Configuration
{
    public static StoreOptions ConfigureAccess(this StoreOptions opts)
    {
        opts.Projections.Add(new AccessRequestProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<AccessRequest>().Index(x => x.RequestedAt).Index(x => x.Status);
        return opts;
    }
}
