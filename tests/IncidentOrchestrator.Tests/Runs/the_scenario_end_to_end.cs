using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;
using Npgsql;

namespace IncidentOrchestrator.Tests.Runs;

/// <summary>
/// The story of the product: an access-control mistake makes employee activity data readable by all
/// engineers; the product detects it, and its shipped playbook contains it on the real warehouse.
/// </summary>
public sealed class the_scenario_end_to_end(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task a_misgrant_is_detected_contained_preserved_and_the_programme_suspended()
    {
        var warehouse = Fixture.Warehouse;
        var engineers = $"all_engineers_{Key}";
        await warehouse.ExecuteAsync($"create role {engineers} nologin; grant select on hr.scenario_activity to {engineers}");
        await using var pipeline = new NpgsqlConnection(warehouse.ConnectionStringFor(Fixture.ScenarioPipelineRole, "pipeline-secret"));
        await pipeline.OpenAsync();

        // Detection: the scanner compares the real grants with the access policy.
        var drifts = (await Host.Post("/api/detection/scan", null, Api.Admin)).ReadJson().EnumerateArray().ToList();
        var drift = Assert.Single(drifts, d => d.GetProperty("grantee").GetString() == engineers);
        var fingerprint = drift.GetProperty("fingerprint").GetString();
        Assert.Equal($"warehouse:hr.scenario_activity:{engineers}", fingerprint);

        var incident = (await Host.Incidents(token: Api.Admin)).Single(i => i.Title == $"hr.scenario_activity readable by {engineers}");
        Assert.True(incident.Restricted);
        var started = await RunScenarios.Eventually(() => Host.Incident(incident.Id, Api.Admin), i => i.Runs.GetArrayLength() == 1);
        var runId = started.Runs[0].GetProperty("runId").GetGuid();

        // Containment: the run revokes, suspends, verifies and preserves; the incident becomes contained.
        var contained = await RunScenarios.Eventually(() => Host.Incident(incident.Id, Api.Admin), i => i.Status == "contained");
        Assert.NotNull(contained.ContainedAt);
        Assert.False(await warehouse.CanReadAsync(engineers, "hr.scenario_activity"));
        Assert.False(await warehouse.CanLoginAsync(Fixture.ScenarioPipelineRole));
        Assert.False(await warehouse.CanReadAsync(Fixture.ScenarioPipelineRole, "hr.scenario_activity"));
        await Assert.ThrowsAnyAsync<Exception>(async () => await new NpgsqlCommand("select 1", pipeline).ExecuteScalarAsync());

        var run = await Host.Run(incident.Id, runId);
        Assert.Equal("sensitive-data-exposure", run.Playbook);
        Assert.Equal(["succeeded", "succeeded", "succeeded", "succeeded"],
            new[] { "revoke-grant", "suspend-programme", "verify-containment", "snapshot-access-log" }.Select(s => run.Step(s).Status));
        // Who could read the table as the incident opened is kept as evidence: the pipeline's standing access, and the drift itself.
        run = await Host.RunUntil(incident.Id, runId, r => r.Step("scope-exposure").Status == "waiting"); // people take it from here
        Assert.Equal("succeeded", run.Step("record-who-could-read").Status);

        var evidence = (await Host.Get($"/api/incidents/{incident.Id}/evidence", Api.Admin)).ReadJson().EnumerateArray().ToList();
        var accessLog = evidence.Single(e => e.GetProperty("name").GetString() == "access log of hr.scenario_activity");
        Assert.Equal(12, accessLog.GetProperty("rowCount").GetInt32());
        Assert.Matches("^[0-9a-f]{64}$", accessLog.GetProperty("sha256").GetString());
        var whoCouldRead = evidence.Single(e => e.GetProperty("name").GetString()!.StartsWith("who could read hr.scenario_activity"));
        var content = (await Host.Get($"/api/incidents/{incident.Id}/evidence/{whoCouldRead.GetProperty("evidenceId").GetString()}", Api.Admin)).ReadJson()
            .GetProperty("content").GetString()!;
        var rows = JsonDocument.Parse(content).RootElement.EnumerateArray().Select(r => (r.GetProperty("kind").GetString(), r.GetProperty("grantee").GetString())).ToList();
        Assert.Contains(("standing", Fixture.ScenarioPipelineRole), rows);
        Assert.Contains(("drift", engineers), rows);

        var timeline = await Host.Timeline(incident.Id, Api.Admin);
        var secondsToContain = timeline.Single(t => t.Type == "IncidentContained").Data.GetProperty("secondsToContain").GetInt64();
        Assert.InRange(secondsToContain, 0, 120);
        Assert.Contains(timeline, t => t.Type == "ProgrammeSuspended");

        // The same drift is not reported twice; the incident keeps its single signal.
        await Host.Post("/api/detection/scan", null, Api.Admin);
        Assert.Equal(1, (await Host.Incident(incident.Id, Api.Admin)).SignalCount);
    }
}
