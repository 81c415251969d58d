using IncidentOrchestrator.Incidents;
using Marten;

namespace IncidentOrchestrator.Security;

/// <summary>One read (or refused read) of a restricted incident: who, when, through which endpoint.</summary>
public sealed class IncidentRead
{
    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }
    public string Subject { get; set; } = "";
    public string Endpoint { get; set; } = "";
    public string Outcome { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// The way read endpoints open an incident: it applies need-to-know and, for a restricted incident,
/// records the read (allowed or denied) before any data is returned. If the record cannot be
/// written, the read fails rather than go unrecorded.
/// </summary>
public sealed class IncidentReads(IDocumentStore store, TimeProvider clock)
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";

    /// <summary>The incident if the caller may see it; null (answer 404) otherwise.</summary>
    public async Task<Incident?> OpenAsync(IQuerySession session, Guid id, Caller caller, string endpoint, CancellationToken ct)
    {
        var incident = await session.LoadAsync<Incident>(id, ct);
        if (incident is null) return null;
        var mayRead = caller.CanSee(incident);
        if (incident.Restricted) await RecordAsync([incident.Id], caller, endpoint, mayRead ? Allowed : Denied, ct);
        return mayRead ? incident : null;
    }

    public async Task RecordAsync(IReadOnlyCollection<Guid> incidents, Caller caller, string endpoint, string outcome, CancellationToken ct)
    {
        if (incidents.Count == 0) return;
        await using var session = store.LightweightSession();
        var now = clock.GetUtcNow();
        foreach (var incident in incidents)
            session.Store(new IncidentRead
            {
                Id = Guid.CreateVersion7(), IncidentId = incident, Subject = caller.Subject, Endpoint = endpoint, Outcome = outcome, At = now,
            });
        await session.SaveChangesAsync(ct);
    }
}
