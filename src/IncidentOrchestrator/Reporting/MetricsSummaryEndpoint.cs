using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Incidents.Listing;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Reporting;

/// <summary>
/// Mean times in seconds over the incidents opened in [from, to) that the caller may see:
/// detect (first observation → opened), acknowledge (opened → a person first answered),
/// contain (opened → contained) and resolve (opened → resolved), overall and by severity. A mean
/// is null when no incident in the window has reached that point. The breakdown is over the same
/// visible incidents, so it reveals nothing the caller may not see.
/// </summary>
public sealed record MetricsSummary(int Incidents, double? Mttd, double? Mtta, double? Mttc, double? Mttr,
    DateTimeOffset From, DateTimeOffset To, int Contained, int Resolved, IReadOnlyDictionary<string, MeanTimes> BySeverity);

/// <summary>The same figures for one severity.</summary>
public sealed record MeanTimes(int Incidents, double? Mttd, double? Mtta, double? Mttc, double? Mttr);

public static class MetricsSummaryEndpoint
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    [WolverineGet("/api/metrics/summary"), Authorize(Roles = Roles.Oversight)]
    public static async Task<IResult> Get(string? from, string? to, IQuerySession session, HttpContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var window = Window(from, to, clock.GetUtcNow(), validation);
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The metrics window is not valid"));
        return TypedResults.Ok(await SummaryAsync(window.From, window.To, context.User.Caller(), session, ct));
    }

    /// <summary>The window <c>from</c> and <c>to</c> name (ISO times; by default the 30 days up to now); a problem with either is a field error.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(string? from, string? to, DateTimeOffset now, Problems.Validation validation)
    {
        var until = ListIncidentsEndpoint.ParseTime(to, "to", validation) ?? now;
        var since = ListIncidentsEndpoint.ParseTime(from, "from", validation) ?? until - DefaultWindow;
        validation.Require(since <= until, "from", "'from' must not be after 'to'.");
        return (since, until);
    }

    /// <summary>The mean times over the incidents opened in [<paramref name="since"/>, <paramref name="until"/>) that <paramref name="caller"/> may see.</summary>
    public static async Task<MetricsSummary> SummaryAsync(DateTimeOffset since, DateTimeOffset until, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var times = await session.Query<Incident>().VisibleTo(caller)
            .Where(i => i.OpenedAt >= since && i.OpenedAt < until)
            .Select(i => new { i.Severity, i.OpenedAt, i.FirstObservedAt, i.AcknowledgedAt, i.ContainedAt, i.ResolvedAt })
            .ToListAsync(ct);
        var all = times.Select(t => new Times(t.Severity, t.OpenedAt, t.FirstObservedAt, t.AcknowledgedAt, t.ContainedAt, t.ResolvedAt)).ToList();

        var overall = MeansOf(all);
        return new MetricsSummary(overall.Incidents, overall.Mttd, overall.Mtta, overall.Mttc, overall.Mttr, since, until,
            all.Count(t => t.ContainedAt is not null), all.Count(t => t.ResolvedAt is not null),
            all.GroupBy(t => t.Severity).OrderByDescending(g => g.Key)
                .ToDictionary(g => ApiJson.Name(g.Key), g => MeansOf(g.ToList())));
    }

    private sealed record Times(Severity Severity, DateTimeOffset OpenedAt, DateTimeOffset? FirstObservedAt, DateTimeOffset? AcknowledgedAt,
        DateTimeOffset? ContainedAt, DateTimeOffset? ResolvedAt);

    private static MeanTimes MeansOf(IReadOnlyList<Times> times) => new(
        times.Count,
        Mean(times.Where(t => t.FirstObservedAt <= t.OpenedAt).Select(t => t.OpenedAt - t.FirstObservedAt!.Value)),
        Mean(times.Where(t => t.AcknowledgedAt is not null).Select(t => t.AcknowledgedAt!.Value - t.OpenedAt)),
        Mean(times.Where(t => t.ContainedAt is not null).Select(t => t.ContainedAt!.Value - t.OpenedAt)),
        Mean(times.Where(t => t.ResolvedAt is not null).Select(t => t.ResolvedAt!.Value - t.OpenedAt)));

    private static double? Mean(IEnumerable<TimeSpan> spans)
    {
        var seconds = spans.Select(s => Math.Max(0, s.TotalSeconds)).ToList();
        return seconds.Count == 0 ? null : Math.Round(seconds.Average(), 1);
    }
}
