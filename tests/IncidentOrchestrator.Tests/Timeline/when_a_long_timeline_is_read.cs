using Alba;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Timeline;

public sealed class when_a_long_timeline_is_read(AppFixture fixture) : IntegrationContext(fixture)
{
    private static string? Next(IScenarioResult page) =>
        page.Context.Response.Headers["Link"].ToString() is { Length: > 0 } link ? link[(link.IndexOf('<') + 1)..link.IndexOf('>')] : null;

    /// <summary>An incident of a detection with its signal and commander gap, 299 repeated signals and a hand-over: 303 events.</summary>
    private async Task<Guid> ANoisyIncident()
    {
        var first = await Host.SendSignal(Scenarios.Signal("noisy:scanner"));
        await Host.SendSignals(Enumerable.Range(0, 299).Select(i => Scenarios.Signal("noisy:scanner", title: $"again {i}")));
        await Host.Post($"/api/incidents/{first.IncidentId}/commander", new { subject = "cora.commander" }, Api.Admin, expect: 204);
        return first.IncidentId;
    }

    [Fact]
    public async Task it_pages_forward_two_hundred_at_a_time_and_backward_for_load_older()
    {
        var id = await ANoisyIncident();

        var first = await Host.Get($"/api/incidents/{id}/timeline");
        var firstPage = first.Read<TimelineView[]>();
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), firstPage.Select(e => e.Sequence));
        Assert.Equal($"/api/incidents/{id}/timeline?after=200", Next(first));
        var second = await Host.Get(Next(first)!);
        Assert.Equal(Enumerable.Range(201, 103).Select(i => (long)i), second.Read<TimelineView[]>().Select(e => e.Sequence));
        Assert.Null(Next(second));

        // Newest first, 100 at a time: what a page that shows the latest and "load older" asks for.
        var newest = await Host.Get($"/api/incidents/{id}/timeline?before=1000&limit=100");
        Assert.Equal(Enumerable.Range(204, 100).Select(i => (long)i).Reverse(), newest.Read<TimelineView[]>().Select(e => e.Sequence));
        Assert.Equal($"/api/incidents/{id}/timeline?limit=100&before=204", Next(newest));
        var older = (await Host.Get(Next(newest)!)).Read<TimelineView[]>();
        Assert.Equal(203, older[0].Sequence);
    }

    [Fact]
    public async Task it_filters_by_type_actor_and_hides_the_engines_bookkeeping()
    {
        var id = await ANoisyIncident();

        var kinds = (await Host.Get($"/api/incidents/{id}/timeline?types=IncidentDetected,CommanderAssigned&limit=1000")).Read<TimelineView[]>();
        Assert.Equal(["IncidentDetected", "CommanderAssigned"], kinds.Select(e => e.Type));
        var byAdmin = (await Host.Get($"/api/incidents/{id}/timeline?actor=ada.admin")).Read<TimelineView[]>();
        Assert.Equal(["CommanderAssigned"], byAdmin.Select(e => e.Type));
        Assert.All((await Host.Get($"/api/incidents/{id}/timeline?limit=1000&system=false")).Read<TimelineView[]>(),
            e => Assert.DoesNotContain(e.Type, new[] { "StepStarted", "StepWaiting", "StepRetryScheduled", "StepCancelled" }));

        await Host.Get($"/api/incidents/{id}/timeline?types=Exploded", expect: 400);
        await Host.Get($"/api/incidents/{id}/timeline?after=1&before=5", expect: 400);
        await Host.Get($"/api/incidents/{id}/timeline?limit=1001", expect: 400);
        await Host.Get($"/api/incidents/{id}/timeline?after=abc", expect: 400);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task a_page_filtered_by_actor_reads_on_across_batches_and_keeps_an_event_described_in_its_place(bool backward)
    {
        var id = await ANoisyIncident();
        var all = (await Host.Get($"/api/incidents/{id}/timeline?limit=1000")).Read<TimelineView[]>();
        var sender = all.Single(e => e.Type == "IncidentDetected").Actor;
        var theirs = all.Where(e => e.Actor == sender).Select(e => e.Sequence).ToList();
        Assert.InRange(theirs.Count, 250, all.Length - 2); // more than two batches of a page of 100, and not every event
        // the last of theirs on the first page without its stored line: it is described where it stands, and the next page
        // goes on from it
        var described = backward ? theirs[^100] : theirs[99];
        await DatabaseOwner.RewriteHistoryAsync(Fixture.ConnectionString,
            $"update incidents.mt_events set headers = headers - 'timeline' where stream_id = @incident and version = {described}", id);

        var read = new List<long>();
        var pages = 0;
        for (string? next = $"/api/incidents/{id}/timeline?actor={Uri.EscapeDataString(sender)}&limit=100{(backward ? $"&before={long.MaxValue}" : "")}";
             next is not null; pages++)
        {
            var page = await Host.Get(next);
            read.AddRange(page.Read<TimelineView[]>().Select(e => e.Sequence));
            next = Next(page);
        }
        Assert.Equal(backward ? Enumerable.Reverse(theirs) : theirs, read);
        Assert.Equal((theirs.Count + 99) / 100, pages);
    }

    [Fact]
    public async Task each_event_says_when_it_happened_and_when_it_was_recorded()
    {
        var id = await ANoisyIncident();

        var events = (await Host.Get($"/api/incidents/{id}/timeline?limit=3")).ReadJson().EnumerateArray().ToList();
        Assert.All(events, e => Assert.True(e.TryGetProperty("recordedAt", out _)));
        Assert.All(events, e => Assert.True(e.GetProperty("at").GetDateTimeOffset() <= e.GetProperty("recordedAt").GetDateTimeOffset().AddSeconds(1)));
    }

    [Fact]
    public async Task the_report_summarises_repeated_signals_instead_of_listing_each()
    {
        var id = await ANoisyIncident();

        var report = (await Host.Get($"/api/incidents/{id}/report")).ReadAsText();
        Assert.Contains("| acl-scanner | scanner.finding | 300 |", report);
        Assert.DoesNotContain("again 17", report);
        Assert.True(report.Length < 10_000, $"the report is {report.Length} characters");
    }

    [Fact]
    public async Task an_export_can_be_read_a_page_at_a_time()
    {
        var id = await ANoisyIncident();

        var page = await Host.Get($"/api/incidents/{id}/export?after=100&limit=50");
        var export = page.ReadJson();
        Assert.Equal(Enumerable.Range(101, 50).Select(i => (long)i), export.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(Enumerable.Range(101, 50).Select(i => (long)i), export.GetProperty("chain").GetProperty("links").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, export.GetProperty("chain").GetProperty("verification").ValueKind);
        Assert.Equal($"/api/incidents/{id}/export?limit=50&after=150", Next(page));

        var whole = (await Host.Get($"/api/incidents/{id}/export")).ReadJson();
        Assert.Equal(303, whole.GetProperty("timeline").GetArrayLength());
        Assert.Equal(303, whole.GetProperty("chain").GetProperty("links").GetArrayLength());
        Assert.True(whole.GetProperty("chain").GetProperty("verification").GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task a_live_reader_gets_each_event_once_even_when_the_incidents_record_is_behind_its_stream()
    {
        var id = (await Host.SendSignal(Scenarios.Signal("live:once"))).IncidentId;
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        var admin = new Caller("ada.admin", "Ada", new HashSet<string> { Contracts.Roles.Admin });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var feed = TimelineFeed.FollowAsync(store, Host.Services.GetRequiredService<TimelineEventTypes>(), admin, id, 0, new TimelineFeed.Filter([], []), stop.Token).GetAsyncEnumerator(stop.Token);

        // A step waiting is on the incident's stream but not in the incident's record, whose version stays behind.
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(id, new StepWaiting(Guid.NewGuid(), "wait", "signal", null, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        var delivered = new List<long>();
        var streamVersion = (await store.QuerySession().Events.FetchStreamStateAsync(id))!.Version;
        while (delivered.Count == 0 || delivered[^1] < streamVersion)
        {
            Assert.True(await feed.MoveNextAsync());
            delivered.AddRange(feed.Current.Select(i => i.Sequence));
        }
        await Host.Post($"/api/incidents/{id}/commander", new { subject = "cora.commander" }, Api.Admin, expect: 204);
        Assert.True(await feed.MoveNextAsync());
        delivered.AddRange(feed.Current.Select(i => i.Sequence));

        Assert.Equal(Enumerable.Range(1, (int)streamVersion + 1).Select(i => (long)i), delivered);
    }
}
