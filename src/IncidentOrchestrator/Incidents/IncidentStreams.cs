using Marten;
using JasperFx.Events;

namespace IncidentOrchestrator.Incidents;

public static class IncidentStreams
{
    /// <summary>
    /// The incident's stream, locked for this transaction, for what a person records on it (acknowledging, completing,
    /// deciding). Runs append to the same stream all the time; with the lock the person's write waits its turn instead of
    /// failing with a concurrency conflict (a run's turn that loses the race is retried by its handler).
    /// </summary>
    public static Task<IEventStream<Incident>> ForPersonAsync(IDocumentSession session, Guid incidentId, CancellationToken ct) =>
        session.Events.FetchForExclusiveWriting<Incident>(incidentId, ct);
}
