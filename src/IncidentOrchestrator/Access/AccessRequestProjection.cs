using JasperFx.Events;
using Marten.Events.Aggregation;

namespace IncidentOrchestrator.Access;

/// <summary>
/// The access request, kept inline from its stream. Only <see cref="AccessRequested"/> begins one: incidents' streams carry
/// approvals and run ends too, and the store hands every stream to every inline projection.
/// </summary>
public sealed class AccessRequestProjection : SingleStreamProjection<AccessRequest, Guid>
{
    public override AccessRequest? Evolve(AccessRequest? snapshot, Guid id, IEvent e)
    {
        if (snapshot is null) return AccessRequest.Begin(e.Data);
        snapshot.When(e.Data);
        return snapshot;
    }
}
