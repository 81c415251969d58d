using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Reporting;

/// <summary>One week of the window: the incidents opened in it, how many of them are contained, and their mean minutes to contain (null when none is).</summary>
public sealed record WeekFigure(DateTimeOffset Week, int Opened, int Contained, double? MeanMinutesToContain);

/// <summary>How many incidents still open (or contained, not yet resolved) have been so for how long.</summary>
public sealed record AgeBucket(string Label, int Open);

/// <summary>Leadership's series: incidents per week and time to contain per week over the window, and open incidents by age now.</summary>
public sealed record WeeklySeries(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<string> Severities, IReadOnlyList<WeekFigure> Weeks,
    IReadOnlyList<AgeBucket> OpenByAge);

/// <summary>
/// <c>GET /api/metrics/weekly?from=&amp;to=&amp;severity=</c>: the weekly series leadership reads, over the incidents the caller
/// may see (by default the 30 days up to now; <c>severity</c> one or a comma list). Weeks start at <c>from</c>, seven days
/// each, the last cut at <c>to</c>. The console's leadership page and <c>incident metrics --weekly</c> draw from it.
/// </summary>
public static class WeeklySeriesEndpoint
{
    /// <summary>The longest window a series covers: five years of weeks.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7 * 261);

    /// <summary>
    /// The weeks of a window: seven days each from its start, the last one cut at its end (at least one). A window within a
    /// minute of whole weeks is whole weeks: "the last 14 days" asked a moment ago has no third week of a few milliseconds.
    /// </summary>
    public static int Weeks(DateTimeOffset since, DateTimeOffset until) =>
        Math.Max(1, (int)Math.Ceiling(Math.Round((until - since).TotalMinutes) / TimeSpan.FromDays(7).TotalMinutes));

    /// <summary>Which of the window's weeks a moment in it falls in (0 for the first; the last takes the window's end).</summary>
    public static int WeekOf(DateTimeOffset since, DateTimeOffset until, DateTimeOffset moment) =>
        Math.Min((int)Math.Floor((moment - since).TotalDays / 7), Weeks(since, until) - 1);

    /// <summary>The window of a series: the metrics' window, of at most <see cref="MaxWindow"/>, for every door that draws one.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(string? from, string? to, DateTimeOffset now, Problems.Validation validation)
    {
        var window = MetricsSummaryEndpoint.Window(from, to, now, validation);
        validation.Require(window.To - window.From <= MaxWindow, "from", $"A window of at most {MaxWindow.TotalDays / 7:0} weeks.");
        return window;
    }

    private static readonly (string Label, int From, int To)[] Ages = [("under a day", 0, 1), ("1–7 days", 1, 7), ("7–30 days", 7, 30), ("over 30 days", 30, int.MaxValue)];

    [WolverineGet("/api/metrics/weekly"), Authorize(Roles = Roles.Oversight)]
    public static async Task<IResult> Get(string? from, string? to, string? severity, IQuerySession session, HttpContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var now = clock.GetUtcNow();
        var window = Window(from, to, now, validation);
        var severities = EnumFilter.Parse<Severity>(severity, "severity", validation);
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The metrics window is not valid"));
        return TypedResults.Ok(await SeriesAsync(window.From, window.To, severities, context.User.Caller(), session, now, ct));
    }

    public static async Task<WeeklySeries> SeriesAsync(DateTimeOffset since, DateTimeOffset until, Severity[]? severities, Caller caller,
        IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        var visible = session.Query<Incident>().VisibleTo(caller);
        if (severities is { Length: > 0 } s) visible = visible.Where(i => i.Severity.IsOneOf(s));
        var opened = await visible.Where(i => i.OpenedAt >= since && i.OpenedAt < until).Select(i => new { i.OpenedAt, i.ContainedAt }).ToListAsync(ct);
        var byWeek = opened.ToLookup(i => WeekOf(since, until, i.OpenedAt));
        var perWeek = Enumerable.Range(0, Weeks(since, until)).Select(w =>
        {
            var contained = byWeek[w].Where(i => i.ContainedAt is not null).Select(i => (i.ContainedAt!.Value - i.OpenedAt).TotalMinutes).ToList();
            return new WeekFigure(since.AddDays(7 * w), byWeek[w].Count(), contained.Count, contained.Count == 0 ? null : Math.Round(contained.Average(), 1));
        }).ToList();

        var open = await visible.Where(i => i.Status == IncidentStatus.Open || i.Status == IncidentStatus.Contained).Select(i => i.OpenedAt).ToListAsync(ct);
        var ages = Ages.Select(b => new AgeBucket(b.Label, open.Count(o => (now - o).TotalDays >= b.From && (now - o).TotalDays < b.To))).ToList();
        return new WeeklySeries(since, until, severities?.Select(ApiJson.Name).ToList() ?? [], perWeek, ages);
    }
}
