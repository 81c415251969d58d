using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Reporting;

public sealed class when_leadership_reads_reports_and_metrics(AppFixture fixture) : IntegrationContext(fixture)
{
    private sealed record Summary(int Incidents, double? Mttd, double? Mtta, double? Mttc, double? Mttr, DateTimeOffset From, DateTimeOffset To,
        int Contained, int Resolved, Dictionary<string, Means> BySeverity);

    private sealed record Means(int Incidents, double? Mttd, double? Mtta, double? Mttc, double? Mttr);

    [Fact]
    public async Task the_summary_gives_mean_times_in_seconds_over_the_window()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O");
        var detected = await Host.SendSignal(Scenarios.Signal("warehouse:a:b")); // observed 3 minutes before it is sent
        await Host.Post($"/api/incidents/{detected.IncidentId}/status", new { status = "resolved" }, expect: 204);
        await Host.DeclareIncident("Declared by hand");

        var summary = (await Host.Get($"/api/metrics/summary?from={Uri.EscapeDataString(since)}", Api.Leadership)).Read<Summary>();

        Assert.Equal(2, summary.Incidents);
        Assert.InRange(summary.Mttd!.Value, 170, 200);
        Assert.Equal(0, summary.Mtta!.Value, 1); // the declared one was acknowledged by declaring it
        Assert.Null(summary.Mttc);
        Assert.InRange(summary.Mttr!.Value, 0, 10);
        Assert.Equal(1, summary.Resolved);
    }

    [Fact]
    public async Task metrics_leave_out_restricted_incidents_the_reader_may_not_see()
    {
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"));
        await Host.DeclareIncident("Restricted one", severity: "critical", restricted: true);
        await Host.DeclareIncident("Open one", severity: "high");

        var leadership = (await Host.Get($"/api/metrics/summary?from={since}", Api.Leadership)).Read<Summary>();
        Assert.Equal(1, leadership.Incidents);
        Assert.Equal(["high"], leadership.BySeverity.Keys); // the breakdown does not give the restricted one away either
        var commander = (await Host.Get($"/api/metrics/summary?from={since}", Api.Commander)).Read<Summary>();
        Assert.Equal(2, commander.Incidents);
        Assert.Equal(["critical", "high"], commander.BySeverity.Keys);
        Assert.Equal(1, commander.BySeverity["critical"].Incidents);
    }

    [Fact]
    public async Task a_bad_window_or_role_is_refused()
    {
        await Host.Get("/api/metrics/summary?from=yesterday", Api.Leadership, expect: 400);
        await Host.Get("/api/metrics/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", Api.Leadership, expect: 400);
        await Host.Get("/api/metrics/summary", Api.Responder, expect: 403);
    }

    [Fact]
    public async Task the_report_tells_the_story_in_markdown_and_says_whether_the_history_verifies()
    {
        var id = await Host.DeclareIncident("Employee activity dataset exposed");
        await Host.Post($"/api/incidents/{id}/status", new { status = "resolved", reason = "grant revoked" }, expect: 204);

        var response = await Host.Get($"/api/incidents/{id}/report", Api.Commander);
        var report = response.ReadAsText();

        Assert.StartsWith("text/markdown", response.Context.Response.ContentType);
        Assert.StartsWith("# Incident report: Employee activity dataset exposed", report);
        Assert.Contains("| Status | resolved |", report);
        Assert.Contains("Incident resolved: grant revoked", report);
        Assert.Contains("The history verifies: 2 events", report);
    }

    [Fact]
    public async Task a_title_cannot_break_the_report_out_of_its_table()
    {
        var id = await Host.DeclareIncident("a | b\n<script>alert(1)</script>");
        var report = (await Host.Get($"/api/incidents/{id}/report", Api.Commander)).ReadAsText();
        Assert.DoesNotContain("<script>", report);
        Assert.Contains("a \\| b", report);
    }
}
