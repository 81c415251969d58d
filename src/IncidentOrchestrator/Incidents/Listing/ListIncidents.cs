using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace IncidentOrchestrator.Incidents.Listing;

public sealed record IncidentSummary(
    Guid Id, string Title, Severity Severity, IncidentStatus Status, bool Restricted, string Phase,
    string? Commander, DateTimeOffset OpenedAt, int SignalCount);

public static class ListIncidentsEndpoint
{
    public const int MaxResults = 500;

    [WolverineGet("/api/incidents"), Authorize(Roles = Roles.Readers)]
    public static async Task<Results<Ok<IReadOnlyList<IncidentSummary>>, ProblemHttpResult>> Get(
        string? status, string? severity, IQuerySession session, IncidentReads reads, HttpContext context, CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var statusFilter = ParseFilter<IncidentStatus>(status, "status", validation);
        var severityFilter = ParseFilter<Severity>(severity, "severity", validation);
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem());

        var caller = context.User.Caller();
        var query = session.Query<Incident>().VisibleTo(caller);
        if (statusFilter is { } s) query = query.Where(x => x.Status == s);
        if (severityFilter is { } v) query = query.Where(x => x.Severity == v);

        var incidents = await query.OrderByDescending(x => x.OpenedAt).Take(MaxResults).ToListAsync(ct);
        await reads.RecordAsync(incidents.Where(i => i.Restricted).Select(i => i.Id).ToList(), caller, NeedToKnowGate.EndpointName(context),
            IncidentReads.Allowed, ct);
        return TypedResults.Ok<IReadOnlyList<IncidentSummary>>(incidents
            .Select(i => new IncidentSummary(i.Id, i.Title, i.Severity, i.Status, i.Restricted, i.Phase, i.Commander, i.OpenedAt, i.SignalCount))
            .ToList());
    }

    private static T? ParseFilter<T>(string? value, string field, Problems.Validation validation) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
            return parsed;
        validation.Add(field, $"'{value}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
        return null;
    }
}
