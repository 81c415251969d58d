using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Security;

public sealed record AccessLogEntry(string Subject, string Endpoint, string Outcome, DateTimeOffset At);

public static class AccessLogEndpoint
{
    [WolverineGet("/api/incidents/{id}/access-log"), Authorize(Roles = Roles.CommandersAndAdmins)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, CancellationToken ct) => TypedResults.Ok(await EntriesAsync(id, session, ct));

    /// <summary>Who read the incident, through which door and with what outcome, oldest first: for any door behind the gate.</summary>
    public static async Task<IReadOnlyList<AccessLogEntry>> EntriesAsync(Guid id, IQuerySession session, CancellationToken ct) =>
        (await session.Query<IncidentRead>().Where(r => r.IncidentId == id).OrderBy(r => r.At).ToListAsync(ct))
        .Select(r => new AccessLogEntry(r.Subject, r.Endpoint, r.Outcome, r.At)).ToList();
}
