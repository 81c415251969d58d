using IncidentOrchestrator.Actions.Programmes;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Reporting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Timeline;
using IncidentOrchestrator.Web.Pages;
using Marten;
using Markdig;
using Microsoft.AspNetCore.Http.HttpResults;
using static IncidentOrchestrator.Web.ConsoleResults;

namespace IncidentOrchestrator.Web;

/// <summary>What leadership and auditors read: the report, the access log, the figures, the programmes.</summary>
public static class ConsoleReports
{
    /// <summary>Markdown to HTML with raw HTML escaped: a hostile title stays text.</summary>
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/incidents/{id:guid}/report", async (Guid id, HttpContext context, IQuerySession session, ChainVerifier verifier,
            TimelineEventTypes eventTypes, TimeProvider clock, CancellationToken ct) =>
        {
            var record = (await IncidentRecord.LoadAsync(id, context.User.Caller(), session, verifier, eventTypes, ct))!;
            return Page<ReportPage>(new
            {
                Signed = context.User.Caller(), IncidentId = id, Html = Markdig.Markdown.ToHtml(IncidentReport.Render(record, clock.GetUtcNow()), Markdown),
                HeadHash = record.Chain.HeadHash,
            });
        });
        console.MapGet("/incidents/{id:guid}/access-log", async (Guid id, HttpContext context, IQuerySession session, CancellationToken ct) =>
        {
            var entries = await AccessLogEndpoint.EntriesAsync(id, session, ct);
            return Page<AccessLogPage>(new { Signed = context.User.Caller(), Incident = NeedToKnowGate.Admitted(context, id)!, Entries = entries });
        }).RequireAuthorization(p => p.RequireRole(Roles.Commander, Roles.Admin));
        console.MapGet("/programmes", async (HttpContext context, ProgrammeOptions programmes, IQuerySession session, CancellationToken ct) =>
            Page<ProgrammesPage>(new { Signed = context.User.Caller(), Programmes = await ProgrammeEndpoints.Get(programmes, session, context.User, ct) }));
        console.MapGet("/leadership", LeadershipAsync).RequireAuthorization(p => p.RequireRole(Roles.Leadership, Roles.Commander));
    }

    private static async Task<IResult> LeadershipAsync(string? from, string? to, HttpContext context, IQuerySession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = context.User.Caller();
        // The form gives whole days: "to" a day means up to the end of it.
        if (DateOnly.TryParseExact(to, "yyyy-MM-dd", out var lastDay)) to = lastDay.AddDays(1).ToString("yyyy-MM-dd");
        var answer = await MetricsSummaryEndpoint.Get(from, to, session, context, clock, ct);
        if (answer is not Ok<MetricsSummary> { Value: { } summary })
            return Page<MessagePage>(new { Signed = caller, Heading = "That window is not valid", Text = ProblemOf(answer)?.Detail ?? "" }, 400);

        var incidents = await session.Query<Incident>().VisibleTo(caller).Where(i => i.OpenedAt >= summary.From && i.OpenedAt < summary.To)
            .Select(i => new { i.OpenedAt, i.ContainedAt }).ToListAsync(ct);
        var weeks = Enumerable.Range(0, (int)Math.Ceiling((summary.To - summary.From).TotalDays / 7)).Select(w => summary.From.AddDays(7 * w)).ToList();
        var perWeek = weeks.Select(w => new WeekFigure(w, incidents.Count(i => i.OpenedAt >= w && i.OpenedAt < w.AddDays(7)),
            incidents.Where(i => i.OpenedAt >= w && i.OpenedAt < w.AddDays(7) && i.ContainedAt is not null)
                .Select(i => (i.ContainedAt!.Value - i.OpenedAt).TotalMinutes).DefaultIfEmpty().Average())).ToList();
        var open = await session.Query<Incident>().VisibleTo(caller)
            .Where(i => i.Status == IncidentStatus.Open || i.Status == IncidentStatus.Contained).Select(i => i.OpenedAt).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var ages = new[] { ("under a day", 0, 1), ("1–7 days", 1, 7), ("7–30 days", 7, 30), ("over 30 days", 30, int.MaxValue) }
            .Select(b => new AgeBucket(b.Item1, open.Count(o => (now - o).TotalDays >= b.Item2 && (now - o).TotalDays < b.Item3))).ToList();
        return Page<LeadershipPage>(new { Signed = caller, Summary = summary, Weeks = perWeek, Ages = ages, GeneratedAt = now });
    }
}

public sealed record WeekFigure(DateTimeOffset Week, int Opened, double MinutesToContain);

public sealed record AgeBucket(string Label, int Open);
