using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Integrations;

/// <summary><c>GET /api/integrations/refusals</c>: the newest requests from chat tools that were refused (forged, stale, replayed, an unknown user, a role the action does not admit).</summary>
public static class RefusalsEndpoint
{
    [WolverineGet("/api/integrations/refusals"), Authorize(Roles = Roles.Admin)]
    public static async Task<IReadOnlyList<IntegrationRefusal>> Get(IQuerySession session, int? limit, CancellationToken ct) =>
        await session.Query<IntegrationRefusal>().OrderByDescending(r => r.At).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
}
