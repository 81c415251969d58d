using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Security.TamperEvidence;

public static class VerifyEndpoint
{
    /// <summary>Recomputes the incident's hash chain: <c>valid</c>, the number of events, and the first broken sequence.</summary>
    [WolverineGet("/api/incidents/{id}/verify"), Authorize(Roles = Roles.Readers)]
    public static Task<ChainVerification> Get(Guid id, ChainVerifier verifier, CancellationToken ct) => verifier.VerifyAsync(id, ct);
}
