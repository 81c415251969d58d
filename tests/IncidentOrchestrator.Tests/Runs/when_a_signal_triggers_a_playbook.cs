using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_a_signal_triggers_a_playbook(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task a_matching_signal_opens_a_restricted_incident_starts_the_run_and_containment_is_recorded()
    {
        var accepted = await Host.SendSignal(Scenarios.Signal($"fp-{Key}", type: "test.trigger", attributes: new { key = Key, unrelated = "x" }));

        var runId = Assert.Single(accepted.RunIds);
        var run = await Host.RunEnded(accepted.IncidentId, runId);
        Assert.Equal("test-triggered", run.Playbook);
        Assert.Equal("succeeded", run.Status);

        var incident = await Host.Incident(accepted.IncidentId, Api.Admin);
        Assert.True(incident.Restricted);
        Assert.Equal("contained", incident.Status);
        Assert.NotNull(incident.ContainedAt);
        Assert.True(incident.ContainedAt >= run.Step("contain-later").EndedAt!.Value.AddMilliseconds(-1));
        var contained = (await Host.Timeline(accepted.IncidentId, Api.Admin)).Single(t => t.Type == "IncidentContained");
        Assert.True(contained.Data.GetProperty("secondsToContain").GetInt64() >= 180); // the signal was observed three minutes earlier
        await Host.Get($"/api/incidents/{accepted.IncidentId}", Api.Leadership, expect: 404);
    }

    [Fact]
    public async Task a_signal_below_the_trigger_condition_starts_nothing()
    {
        var accepted = await Host.SendSignal(Scenarios.Signal($"fp-{Key}", severity: "medium", type: "test.trigger", attributes: new { key = Key }));

        Assert.Empty(accepted.RunIds);
        Assert.False((await Host.Incident(accepted.IncidentId, Api.Admin)).Restricted);
    }

    [Fact]
    public async Task a_trigger_without_its_required_inputs_records_why_the_run_did_not_start()
    {
        var accepted = await Host.SendSignal(Scenarios.Signal($"fp-{Key}", type: "test.trigger", attributes: new { other = 1 }));

        Assert.Empty(accepted.RunIds);
        var notStarted = (await Host.Timeline(accepted.IncidentId, Api.Admin)).Single(t => t.Type == "PlaybookRunNotStarted");
        Assert.Equal("test-triggered", notStarted.Data.GetProperty("playbook").GetString());
        Assert.Equal("'key' is required", notStarted.Data.GetProperty("problems").GetProperty("key").GetString());
    }

    [Fact]
    public async Task a_repeated_signal_joins_the_incident_without_starting_the_playbook_again()
    {
        var first = await Host.SendSignal(Scenarios.Signal($"fp-{Key}", type: "test.trigger", attributes: new { key = Key }));
        var again = await Host.SendSignal(Scenarios.Signal($"fp-{Key}", type: "test.trigger", attributes: new { key = Key }));

        Assert.True(again.Correlated);
        Assert.Empty(again.RunIds);
        await Host.RunEnded(first.IncidentId, first.RunIds.Single());
        Assert.Equal(1, (await Host.Incident(first.IncidentId, Api.Admin)).Runs.GetArrayLength());
    }
}
