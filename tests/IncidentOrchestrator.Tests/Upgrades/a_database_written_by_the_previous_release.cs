using System.Text.Json;
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
