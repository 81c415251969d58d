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

/// <summary>What a list of incidents is asked for: the filters of <c>GET /api/incidents</c> and of the console's list, as given.</summary>
public sealed record IncidentFilter(string? Status = null, string? Severity = null, string? Commander = null, bool? Restricted = null,
    string? From = null, string? To = null, string? Q = null, int? Limit = null, string? Cursor = null);

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
        var listed = await ListAsync(new IncidentFilter(status, severity, commander, restricted, from, to, q, limit, cursor), context.User.Caller(),
            session, reads, NeedToKnowGate.EndpointName(context), ct);
        if (listed.Refused is { } refused) return refused.ToProblemResult();
        if (listed.Value!.Next is { } next) Paging.LinkNext(context, "cursor", next);
        return TypedResults.Ok(listed.Value.Items);
    }

    /// <summary>
    /// The list, for any door: the incidents <paramref name="caller"/> may see that match, a page at a time, each restricted one
    /// shown recorded as read by <paramref name="readBy"/>.
    /// </summary>
    public static async Task<Outcome<Listed<IncidentSummary>>> ListAsync(IncidentFilter filter, Caller caller, IQuerySession session, IncidentReads reads, string readBy,
        CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var statuses = EnumFilter.Parse<IncidentStatus>(filter.Status, "status", validation);
        var severities = EnumFilter.Parse<Severity>(filter.Severity, "severity", validation);
        var openedFrom = ParseTime(filter.From, "from", validation);
        var openedTo = ParseTime(filter.To, "to", validation);
        var pageSize = Paging.Limit(filter.Limit, validation);
        var after = Paging.ParseCursor(filter.Cursor, validation);
        validation.Require((filter.Q?.Length ?? 0) <= 200, "q", "At most 200 characters.");
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The incident list query is not valid"));

        var query = session.Query<Incident>().VisibleTo(caller);
        if (statuses is { } s) query = query.Where(x => x.Status.IsOneOf(s));
        if (severities is { } v) query = query.Where(x => x.Severity.IsOneOf(v));
        if (filter.Restricted is { } r) query = query.Where(x => x.Restricted == r);
        if (openedFrom is { } f) query = query.Where(x => x.OpenedAt >= f);
        if (openedTo is { } t) query = query.Where(x => x.OpenedAt < t);
        if (!string.IsNullOrWhiteSpace(filter.Q)) query = query.Where(x => x.Title.Contains(filter.Q.Trim(), StringComparison.OrdinalIgnoreCase));
        query = filter.Commander switch
        {
            null or "" => query,
            "none" => query.Where(x => x.Commander == null),
            "me" => query.Where(x => x.Commander == caller.Subject),
            var commander => query.Where(x => x.Commander == commander),
        };
        if (after is { } c) query = query.Where(x => x.MatchesSql("(d.opened_at, d.id) < (?, ?)", c.At, c.Id));

        var incidents = await query.OrderByDescending(x => x.OpenedAt).ThenByDescending(x => x.Id).Take(pageSize + 1).ToListAsync(ct);
        var page = incidents.Take(pageSize).ToList();
        await reads.RecordAsync(page.Where(i => i.Restricted).Select(i => i.Id).ToList(), caller, readBy, IncidentReads.Allowed, ct);
        return new Listed<IncidentSummary>(page.Select(IncidentSummary.Of).ToList(),
            incidents.Count > pageSize ? Cursor.Of(page[^1].OpenedAt, page[^1].Id).Encode() : null);
    }

    public static DateTimeOffset? ParseTime(string? value, string field, Problems.Validation validation)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (ApiTime.TryParse(value, out var parsed)) return parsed;
        validation.Add(field, $"'{value}' is not an ISO 8601 time.");
        return null;
    }
}
