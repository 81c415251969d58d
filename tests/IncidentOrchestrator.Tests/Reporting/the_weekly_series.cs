using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Reporting;

/// <summary>Leadership's weekly series through the API (the console's leadership page and <c>incident metrics --weekly</c> read the same).</summary>
public sealed class the_weekly_series(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task counts_each_weeks_incidents_and_how_long_those_contained_took_by_severity()
    {
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"));
        var contained = await Host.DeclareIncident($"weekly contained {Key}");
        Assert.Equal("succeeded", (await Host.RunEnded(contained, await Host.StartRun(contained, "test-phases"))).Status);
        Assert.Equal("contained", (await Host.Get($"/api/incidents/{contained}")).ReadJson().GetProperty("status").GetString());
        await Host.DeclareIncident($"weekly low {Key}", severity: "low");

        // Other scenarios of this service may open incidents in the same seconds (a scan's findings, a signal): at least these.
        var all = (await Host.Get($"/api/metrics/weekly?from={since}", Api.Leadership)).ReadJson();
        var week = Assert.Single(all.GetProperty("weeks").EnumerateArray());
        Assert.True(week.GetProperty("opened").GetInt32() >= 2, week.ToString());
        Assert.True(week.GetProperty("contained").GetInt32() >= 1, week.ToString());
        Assert.InRange(week.GetProperty("meanMinutesToContain").GetDouble(), 0, 1);
        Assert.Equal(["under a day", "1–7 days", "7–30 days", "over 30 days"],
            all.GetProperty("openByAge").EnumerateArray().Select(a => a.GetProperty("label").GetString()));
        Assert.True(all.GetProperty("openByAge")[0].GetProperty("open").GetInt32() >= 2); // open or contained, not yet resolved

        var low = (await Host.Get($"/api/metrics/weekly?from={since}&severity=low", Api.Commander)).ReadJson();
        Assert.Equal(["low"], low.GetProperty("severities").EnumerateArray().Select(s => s.GetString()));
        var lowWeek = Assert.Single(low.GetProperty("weeks").EnumerateArray());
        Assert.True(lowWeek.GetProperty("opened").GetInt32() >= 1, lowWeek.ToString());
        Assert.True(lowWeek.GetProperty("opened").GetInt32() < week.GetProperty("opened").GetInt32(), "the high one is left out");
        if (lowWeek.GetProperty("contained").GetInt32() == 0) Assert.Equal(JsonValueKind.Null, lowWeek.GetProperty("meanMinutesToContain").ValueKind);
    }

    [Fact]
    public async Task a_window_of_ninety_days_has_thirteen_weeks_and_a_bad_filter_or_role_is_refused()
    {
        var to = DateTimeOffset.UtcNow;
        var series = (await Host.Get($"/api/metrics/weekly?from={Uri.EscapeDataString(to.AddDays(-90).ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}",
            Api.Leadership)).ReadJson();
        Assert.Equal(13, series.GetProperty("weeks").GetArrayLength());

        var refused = (await Host.Get("/api/metrics/weekly?severity=urgent", Api.Leadership, expect: 400)).ReadJson();
        Assert.True(refused.GetProperty("errors").TryGetProperty("severity", out _));
        await Host.Get("/api/metrics/weekly?from=yesterday", Api.Leadership, expect: 400);
        var tooLong = (await Host.Get("/api/metrics/weekly?from=0001-01-01T00:00:00Z", Api.Leadership, expect: 400)).ReadJson();
        Assert.Equal("A window of at most 261 weeks.", tooLong.GetProperty("errors").GetProperty("from")[0].GetString());
        await Host.Get("/api/metrics/weekly", Api.Responder, expect: 403);
    }

    [Fact]
    public void a_week_runs_seven_days_from_the_windows_start_and_the_last_is_cut_at_its_end()
    {
        var since = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);

        var until = since.AddDays(14).AddSeconds(20); // two weeks, asked a moment later
        Assert.Equal(0, IncidentOrchestrator.Reporting.WeeklySeriesEndpoint.WeekOf(since, until, since));
        Assert.Equal(0, IncidentOrchestrator.Reporting.WeeklySeriesEndpoint.WeekOf(since, until, since.AddDays(7).AddTicks(-1)));
        Assert.Equal(1, IncidentOrchestrator.Reporting.WeeklySeriesEndpoint.WeekOf(since, until, since.AddDays(7)));
        Assert.Equal(1, IncidentOrchestrator.Reporting.WeeklySeriesEndpoint.WeekOf(since, until, since.AddDays(14).AddSeconds(10))); // the last week takes the window's end
        Assert.Equal(13, IncidentOrchestrator.Reporting.WeeklySeriesEndpoint.Weeks(since, since.AddDays(90))); // 12 whole weeks and 6 days
        Assert.Equal(1, IncidentOrchestrator.Reporting.WeeklySeriesEndpoint.Weeks(since, since)); // an empty window still has its week
        Assert.Equal(2, IncidentOrchestrator.Reporting.WeeklySeriesEndpoint.Weeks(since, since.AddDays(14).AddMilliseconds(40))); // asked a moment ago
    }
}
