using JasperFx.Events;
using Marten.Events.Aggregation;

namespace IncidentOrchestrator.Incidents;

/// <summary>
/// The incident record, kept inline from its stream. Only a declaration or a detection begins one: streams that are not
/// incidents carry run, task and approval events too (an access request's run runs on the request's own stream), and
/// the store hands every stream to every inline projection, so an event arriving where no incident began makes none.
/// </summary>
public sealed class IncidentProjection : SingleStreamProjection<Incident, Guid>
{
    public override Incident? Evolve(Incident? snapshot, Guid id, IEvent e)
    {
        if (snapshot is null) return Incident.Begin(e.Data); // null: not an incident's stream (yet)
        snapshot.When(e.Data);
        return snapshot;
    }
}
