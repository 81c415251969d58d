using IncidentOrchestrator.Actions.Programmes;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Reporting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Timeline;
using IncidentOrchestrator.Web.Pages;
using Markdig;
using Marten;
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
        }).Through(ReportEndpoint.Get);
        console.MapGet("/incidents/{id:guid}/access-log", async (Guid id, HttpContext context, IQuerySession session, CancellationToken ct) =>
        {
            var entries = await AccessLogEndpoint.EntriesAsync(id, session, ct);
            return Page<AccessLogPage>(new { Signed = context.User.Caller(), Incident = NeedToKnowGate.Admitted(context, id)!, Entries = entries });
        }).Through(AccessLogEndpoint.Get);
        console.MapGet("/programmes", async (HttpContext context, ProgrammeOptions programmes, IQuerySession session, CancellationToken ct) =>
            Page<ProgrammesPage>(new { Signed = context.User.Caller(), Programmes = await ProgrammeEndpoints.Get(programmes, session, context.User, ct) }))
            .Through(ProgrammeEndpoints.Get);
        console.MapGet("/leadership", LeadershipAsync).Through(MetricsSummaryEndpoint.Get, WeeklySeriesEndpoint.Get, Access.AccessFiguresEndpoint.Get,
            FollowUps.FollowUpFiguresEndpoint.Get);
    }

    private static async Task<IResult> LeadershipAsync(string? from, string? to, HttpContext context, IQuerySession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = context.User.Caller();
        // The form gives whole days: "to" a day means up to the end of it.
        if (DateOnly.TryParseExact(to, "yyyy-MM-dd", out var lastDay)) to = lastDay.AddDays(1).ToString("yyyy-MM-dd");
        var validation = new Hosting.Problems.Validation();
        var now = clock.GetUtcNow();
        var window = WeeklySeriesEndpoint.Window(from, to, now, validation);
        if (validation.HasErrors)
            return Page<MessagePage>(new { Signed = caller, Heading = "That window is not valid", Text = validation.ToProblem("").Detail ?? "" }, 400);

        var summary = await MetricsSummaryEndpoint.SummaryAsync(window.From, window.To, caller, session, ct);
        var series = await WeeklySeriesEndpoint.SeriesAsync(window.From, window.To, null, caller, session, now, ct);
        var access = await Access.AccessFiguresEndpoint.FiguresAsync(window.From, window.To, session,
            context.RequestServices.GetRequiredService<Catalogue.CatalogueFolder>(), now, ct);
        var followUps = await FollowUps.FollowUpFiguresEndpoint.FiguresAsync(window.From, window.To, caller, session, now, ct);
        return Page<LeadershipPage>(new
        {
            Signed = caller, Summary = summary, Weeks = series.Weeks, Ages = series.OpenByAge, Access = access, FollowUps = followUps, GeneratedAt = now,
        });
    }
}
