using System.Security.Claims;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Actions.Programmes;

/// <summary>A change of a programme; the incident and run behind it are left out for a reader who may not see that incident.</summary>
public sealed record ProgrammeChangeView(string Change, Guid? IncidentId, Guid? RunId, string By, DateTimeOffset At);

public sealed record ProgrammeView(string Name, string Owner, string Description, string Status, DateTimeOffset? SuspendedAt,
    DateTimeOffset? ReviewBy, IReadOnlyList<ProgrammeChangeView> History);

public static class ProgrammeEndpoints
{
    [WolverineGet("/api/programmes"), Authorize(Roles = Roles.Readers)]
    public static async Task<IReadOnlyList<ProgrammeView>> Get(ProgrammeOptions programmes, IQuerySession session, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var caller = user.Caller();
        var states = (await session.LoadManyAsync<Programme>(ct, programmes.Keys.Select(Programme.StreamId).ToArray()))
            .ToDictionary(p => p.Name, StringComparer.Ordinal);
        var incidents = states.Values.SelectMany(s => s.History).Select(h => h.IncidentId).Distinct().ToArray();
        var visible = (await session.LoadManyAsync<Incident>(ct, incidents)).Where(caller.CanSee).Select(i => i.Id).ToHashSet();

        return programmes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        {
            var state = states.GetValueOrDefault(p.Key);
            var history = (state?.History ?? []).Select(h => visible.Contains(h.IncidentId)
                ? new ProgrammeChangeView(h.Change, h.IncidentId, h.RunId == Guid.Empty ? null : h.RunId, h.By, h.At)
                : new ProgrammeChangeView(h.Change, null, null, h.By, h.At)).ToList();
            return new ProgrammeView(p.Key, p.Value.Owner, p.Value.Description, state?.Status ?? "active", state?.SuspendedAt, state?.ReviewBy,
                history);
        }).ToList();
    }
}
