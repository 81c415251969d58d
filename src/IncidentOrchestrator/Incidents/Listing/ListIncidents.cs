using System.Globalization;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Marten;
using Marten.Linq.MatchesSql;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace IncidentOrchestrator.Incidents.Listing;

public sealed record IncidentSummary(
    Guid Id, string Title, Severity Severity, IncidentStatus Status, bool Restricted, string Phase,
    string? Commander, DateTimeOffset OpenedAt, DateTimeOffset? ContainedAt, DateTimeOffset? ResolvedAt, int SignalCount)
{
    public static IncidentSummary Of(Incident i) =>
        new(i.Id, i.Title, i.Severity, i.Status, i.Restricted, i.Phase, i.Commander, i.OpenedAt, i.ContainedAt, i.ResolvedAt, i.SignalCount);
}

/// <summary>
/// <c>GET /api/incidents</c>: newest first, <c>limit</c> at a time (default 50, at most 500); the next
/// page's URL is in the <c>Link</c> header. Filters: <c>status</c> and <c>severity</c> (one or a comma list),
/// <c>commander</c> (a subject, <c>me</c>, or <c>none</c>), <c>restricted</c>, <c>from</c>/<c>to</c> (opened at), and
/// <c>q</c> (text in the title). Only incidents the caller may see are listed.
/// </summary>
public static class ListIncidentsEndpoint
{
    [WolverineGet("/api/incidents"), Authorize(Roles = Roles.Readers)]
    public static async Task<Results<Ok<IReadOnlyList<IncidentSummary>>, ProblemHttpResult>> Get(
        string? status, string? severity, string? commander, bool? restricted, string? from, string? to, string? q, int? limit, string? cursor,
        IQuerySession session, IncidentReads reads, HttpContext context, CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var statuses = ParseFilter<IncidentStatus>(status, "status", validation);
        var severities = ParseFilter<Severity>(severity, "severity", validation);
        var openedFrom = ParseTime(from, "from", validation);
        var openedTo = ParseTime(to, "to", validation);
        var pageSize = Paging.Limit(limit, validation);
        var after = Paging.ParseCursor(cursor, validation);
        validation.Require((q?.Length ?? 0) <= 200, "q", "At most 200 characters.");
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The incident list query is not valid"));

        var caller = context.User.Caller();
        var query = session.Query<Incident>().VisibleTo(caller);
        if (statuses is { } s) query = query.Where(x => x.Status.IsOneOf(s));
        if (severities is { } v) query = query.Where(x => x.Severity.IsOneOf(v));
        if (restricted is { } r) query = query.Where(x => x.Restricted == r);
        if (openedFrom is { } f) query = query.Where(x => x.OpenedAt >= f);
        if (openedTo is { } t) query = query.Where(x => x.OpenedAt < t);
        if (!string.IsNullOrWhiteSpace(q)) query = query.Where(x => x.Title.Contains(q.Trim(), StringComparison.OrdinalIgnoreCase));
        query = commander switch
        {
            null or "" => query,
            "none" => query.Where(x => x.Commander == null),
            "me" => query.Where(x => x.Commander == caller.Subject),
            _ => query.Where(x => x.Commander == commander),
        };
        if (after is { } c) query = query.Where(x => x.MatchesSql("(d.opened_at, d.id) < (?, ?)", c.At, c.Id));

        var incidents = await query.OrderByDescending(x => x.OpenedAt).ThenByDescending(x => x.Id).Take(pageSize + 1).ToListAsync(ct);
        var page = incidents.Take(pageSize).ToList();
        if (incidents.Count > pageSize) Paging.LinkNext(context, "cursor", Cursor.Of(page[^1].OpenedAt, page[^1].Id).Encode());

        await reads.RecordAsync(page.Where(i => i.Restricted).Select(i => i.Id).ToList(), caller, NeedToKnowGate.EndpointName(context),
            IncidentReads.Allowed, ct);
        return TypedResults.Ok<IReadOnlyList<IncidentSummary>>(page.Select(IncidentSummary.Of).ToList());
    }

    /// <summary>One value or a comma list of the enum's names; null when not given.</summary>
    public static T[]? ParseFilter<T>(string? value, string field, Problems.Validation validation) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        var parsed = new List<T>();
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Enum.TryParse<T>(item, ignoreCase: true, out var one) && Enum.IsDefined(one) && !int.TryParse(item, out _)) parsed.Add(one);
            else validation.Add(field, $"'{item}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
        }
        return parsed.ToArray();
    }

    public static DateTimeOffset? ParseTime(string? value, string field, Problems.Validation validation)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return parsed.ToUniversalTime();
        validation.Add(field, $"'{value}' is not an ISO 8601 time.");
        return null;
    }
}
