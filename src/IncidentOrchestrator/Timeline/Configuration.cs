using JasperFx.Events.Projections;
using Marten;

namespace IncidentOrchestrator.Timeline;

public static class Configuration
{
    public static StoreOptions ConfigureTimeline(this StoreOptions opts)
    {
        opts.Projections.Add(new TimelineProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<TimelineEntry>().Index(x => x.IncidentId);
        return opts;
    }
}
