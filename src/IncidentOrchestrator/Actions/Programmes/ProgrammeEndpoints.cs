using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Actions.Programmes;

public sealed record ProgrammeView(string Name, string Owner, string Description, string Status, DateTimeOffset? SuspendedAt,
    DateTimeOffset? ReviewBy, IReadOnlyList<ProgrammeChange> History);

public static class ProgrammeEndpoints
{
    [WolverineGet("/api/programmes"), Authorize(Roles = Roles.Readers)]
    public static async Task<IReadOnlyList<ProgrammeView>> Get(ProgrammeOptions programmes, IQuerySession session, CancellationToken ct)
    {
        var states = (await session.LoadManyAsync<Programme>(ct, programmes.Keys.Select(Programme.StreamId).ToArray()))
            .ToDictionary(p => p.Name, StringComparer.Ordinal);
        return programmes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        {
            var state = states.GetValueOrDefault(p.Key);
            return new ProgrammeView(p.Key, p.Value.Owner, p.Value.Description, state?.Status ?? "active", state?.SuspendedAt,
                state?.ReviewBy, state?.History ?? []);
        }).ToList();
    }
}
