using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentOrchestrator.Contracts;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;
using Microsoft.Extensions.DependencyInjection;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Tests.Fixtures;
using Marten;

namespace IncidentOrchestrator.Tests.Upgrades;

/// <summary>
/// The database ops/demo left behind when run by the release before the run's rules moved into one decider and a step in
/// the run's turn became one event (<c>previous-release.sql.gz</c>, dumped with pg_dump --inserts; how to make it again is
/// in the README beside it). This build starts on it and reads what the old one wrote: events are read as they are, never rewritten.
/// </summary>
public sealed class a_database_written_by_the_previous_release() : PreviousRelease("previous-release.sql.gz")
{
    [Fact]
    public async Task every_incident_still_reads_verifies_exports_and_reports()
    {
        var incidents = await QueryAsync(s => s.Query<Incident>().ToListAsync());
        Assert.NotEmpty(incidents);
        foreach (var incident in incidents)
        {
            var timeline = new List<JsonElement>();
            for (long after = 0; ;)
            {
                var page = (await Host.Get($"/api/incidents/{incident.Id}/timeline?after={after}&limit=1000", Api.Admin)).ReadJson().EnumerateArray().ToList();
                timeline.AddRange(page);
                if (page.Count < 1000) break;
                after = page[^1].GetProperty("sequence").GetInt64();
            }
            Assert.Equal(incident.Version, timeline.Count);
            Assert.All(timeline, item => Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("summary").GetString())));

            var verify = (await Host.Get($"/api/incidents/{incident.Id}/verify", Api.Admin)).ReadJson();
            Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());

            var export = (await Host.Get($"/api/incidents/{incident.Id}/export", Api.Admin)).ReadJson();
            Assert.Equal(incident.Version, export.GetProperty("timeline").GetArrayLength());
            Assert.True(export.GetProperty("chain").GetProperty("verification").GetProperty("valid").GetBoolean());

            var report = (await Host.Get($"/api/incidents/{incident.Id}/report", Api.Admin)).ReadAsText();
            Assert.Contains(incident.Title, report);
        }
    }

    [Fact]
    public async Task an_incident_it_wrote_takes_events_with_stored_lines_and_reads_verifies_and_exports_whole_across_both()
    {
        var incident = (await QueryAsync(s => s.Query<Incident>().ToListAsync())).First();
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(incident.Id, new IncidentNoteAdded(incident.Id, "Jane Doe's history was read", "cora.commander", DateTimeOffset.UtcNow),
                new ParticipantAdded(incident.Id, "rui.responder", "cora.commander", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        // Newest first, two at a time: the pages cross from stored lines into events described as they are read.
        var pages = new List<JsonNode>();
        for (var before = long.MaxValue; ;)
        {
            var page = JsonNode.Parse((await Host.Get($"/api/incidents/{incident.Id}/timeline?before={before}&limit=2", Api.Admin)).ReadAsText())!.AsArray();
            pages.AddRange(page.Select(i => i!.DeepClone()));
            if (page.Count < 2) break;
            before = page[^1]!["sequence"]!.GetValue<long>();
        }
        await using (var session = store.QuerySession())
        {
            var events = await session.Events.FetchStreamAsync(incident.Id);
            var json = JsonConfiguration.Create();
            Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(TimelineProjection.Project(events).Reverse(), json), new JsonArray([.. pages])));

            // Redacted (the dump's incidents are all restricted, so no reader sees them redacted through the API): the new
            // events pass their stored redacted lines, and the older ones on the same page are described.
            var newest = await StoredLine.PageAsync(session, Host.Services.GetRequiredService<TimelineEventTypes>(), new(incident.Id, true, long.MaxValue, 3, [], [], null, true), CancellationToken.None);
            Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(TimelineProjection.Project(events, redact: true).Reverse().Take(3), json),
                new JsonArray([.. newest.Items.Select(i => JsonNode.Parse(i))])));
            Assert.DoesNotContain("Jane Doe", string.Join("", newest.Items.Select(System.Text.Encoding.UTF8.GetString)));
        }

        Assert.True((await Host.Get($"/api/incidents/{incident.Id}/verify", Api.Admin)).Read<ChainVerification>().Valid);
        var export = (await Host.Get($"/api/incidents/{incident.Id}/export", Api.Admin)).ReadJson();
        Assert.Equal(incident.Version + 2, export.GetProperty("timeline").GetArrayLength());
        var offline = ExportedChain.Verify(export);
        Assert.True(offline.Valid, offline.Reason);
    }

    [Fact]
    public async Task a_line_added_to_an_event_it_wrote_is_not_shown_and_verification_finds_it_online_and_offline()
    {
        var incident = (await QueryAsync(s => s.Query<Incident>().ToListAsync())).First();
        var before = JsonNode.Parse((await Host.Get($"/api/incidents/{incident.Id}/timeline", Api.Admin)).ReadAsText())!;

        // Only a redacted line, under today's redaction, on the first event, which was linked before lines were stored.
        await DatabaseOwner.RewriteHistoryAsync(Connection, $$$"""
            update incidents.mt_events set headers = jsonb_build_object('timeline-redacted', '{"type":"X","actor":"mallory","summary":"nothing","data":{}}',
                                                                        'timeline-redaction', '{{{Redaction.Fingerprint}}}')
             where stream_id = @incident and version = 1
            """, incident.Id);

        Assert.True(JsonNode.DeepEquals(before, JsonNode.Parse((await Host.Get($"/api/incidents/{incident.Id}/timeline", Api.Admin)).ReadAsText())));
        await using (var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            // (the dump's incidents are restricted, so no reader sees them redacted through the API: the page it would read)
            var redacted = await StoredLine.PageAsync(session, Host.Services.GetRequiredService<TimelineEventTypes>(), new(incident.Id, false, 0, 1, [], [], null, true), CancellationToken.None);
            var first = TimelineProjection.Project(await session.Events.FetchStreamAsync(incident.Id, version: 1), redact: true);
            Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(first, JsonConfiguration.Create()),
                new JsonArray([.. redacted.Items.Select(i => JsonNode.Parse(i))])));
            Assert.DoesNotContain("mallory", System.Text.Encoding.UTF8.GetString(redacted.Items.Single()));
        }
        var online = (await Host.Get($"/api/incidents/{incident.Id}/verify", Api.Admin)).Read<ChainVerification>();
        Assert.False(online.Valid);
        Assert.Equal(1, online.FirstBrokenSequence);
        var offline = ExportedChain.Verify((await Host.Get($"/api/incidents/{incident.Id}/export", Api.Admin)).ReadJson());
        Assert.False(offline.Valid);
        Assert.Equal(1, offline.FirstBrokenSequence);
    }

    [Fact]
    public async Task its_runs_read_as_they_ended_and_replay_with_the_text_they_ran_with_no_difference()
    {
        var runs = await QueryAsync(s => s.Query<PlaybookRun>().Where(r => r.Started).ToListAsync());
        Assert.NotEmpty(runs);
        foreach (var run in runs)
        {
            var read = (await Host.Get($"/api/incidents/{run.IncidentId}/runs/{run.Id}", Api.Admin)).ReadJson();
            Assert.Equal(run.Status, read.GetProperty("status").GetString());
            Assert.Equal(run.Steps.Count, read.GetProperty("steps").EnumerateArray().Count());
        }

        Assert.Empty(await RecordedRunsReplay.DifferencesAsync(Host.Services));
    }
}
