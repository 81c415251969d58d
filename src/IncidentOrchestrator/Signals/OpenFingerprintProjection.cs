using IncidentOrchestrator.Incidents;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace IncidentOrchestrator.Signals;

/// <summary>
/// Keeps the fingerprint → open incident index in the same transaction as the events, so the
/// index can never disagree with the streams: a detection opens it, the end of the incident closes it.
/// </summary>
public sealed class OpenFingerprintProjection : IProjection
{
    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case IncidentDetected detected:
                    operations.Store(new OpenFingerprint { Id = detected.Fingerprint, IncidentId = detected.IncidentId });
                    break;
                case IncidentResolved or IncidentClosed:
                    var incidentId = e.StreamId;
                    operations.DeleteWhere<OpenFingerprint>(x => x.IncidentId == incidentId);
                    break;
            }
        }
        return Task.CompletedTask;
    }
}
