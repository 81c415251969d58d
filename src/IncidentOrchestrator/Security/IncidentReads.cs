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
/// The read audit of restricted incidents. <see cref="NeedToKnowGate"/> records every attempt
/// (allowed or denied) before any data is returned, and lists record the restricted incidents
/// they show. If the record cannot be written, the read fails rather than go unrecorded.
/// </summary>
public sealed class IncidentReads(IDocumentStore store, TimeProvider clock)
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";

    /// <summary>Records one read of a thing that is no incident (an access request, an access review), allowed or refused, for any door:
    /// false when an allowed read could not be recorded, which then shows nothing (a refused one is refused either way).</summary>
    public async Task<bool> RecordOneAsync(Guid id, bool allowed, Caller caller, string door, CancellationToken ct)
    {
        try
        {
            await RecordAsync([id], caller, door, allowed ? Allowed : Denied, ct);
            return true;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            return !allowed;
        }
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
