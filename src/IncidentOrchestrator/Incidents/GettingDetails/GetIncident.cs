using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace IncidentOrchestrator.Incidents.GettingDetails;


public sealed record IncidentDetails(
    Guid Id, string Title, Severity Severity, IncidentStatus Status, bool Restricted, string Phase,
    string? Commander, DateTimeOffset OpenedAt, DateTimeOffset? ContainedAt, DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt, int SignalCount, string? Summary, IReadOnlyList<string> Fingerprints,
    IReadOnlyList<IncidentRun> Runs, int Version, DateTimeOffset? FirstObservedAt, DateTimeOffset? AcknowledgedAt,
    IReadOnlyList<string> Participants)
{
    public static IncidentDetails From(Incident i, bool redact = false) => new(i.Id, i.Title, i.Severity, i.Status, i.Restricted, i.Phase,
        i.Commander, i.OpenedAt, i.ContainedAt, i.ResolvedAt, i.ClosedAt, i.SignalCount, Redaction.Text(i.Summary, redact), i.Fingerprints, i.Runs,
        i.Version, i.FirstObservedAt, i.AcknowledgedAt, i.Participants);
}

public static class GetIncidentEndpoint
{
    [WolverineGet("/api/incidents/{id}"), Authorize(Roles = Roles.Readers)]
    public static async Task<Results<Ok<IncidentDetails>, ProblemHttpResult>> Get(
        Guid id, IQuerySession session, ClaimsPrincipal user, HttpContext context, CancellationToken ct)
    {
        var incident = NeedToKnowGate.Admitted(context, id) ?? await session.LoadAsync<Incident>(id, ct);
        return incident is not null
            ? TypedResults.Ok(IncidentDetails.From(incident, Redaction.AppliesTo(user.Caller(), incident)))
            : Problems.NotFound("Incident", id);
    }
}
