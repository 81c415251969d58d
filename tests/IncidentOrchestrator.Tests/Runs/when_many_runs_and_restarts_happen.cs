using System.Diagnostics;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_many_runs_and_restarts_happen(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task two_hundred_runs_started_at_once_on_two_hundred_incidents_all_finish()
    {
        var signals = Enumerable.Range(0, 200).Select(i => Scenarios.Signal($"bulk-{Key}-{i}", type: "test.bulk", attributes: new { key = $"{Key}-{i}" }));
        var accepted = await Host.SendSignals(signals);
        Assert.Equal(200, accepted.Select(a => a.IncidentId).Distinct().Count());

        var clock = Stopwatch.StartNew();
        var runs = await Task.WhenAll(accepted.Select(a => Host.RunEnded(a.IncidentId, a.RunIds.Single(), TimeSpan.FromSeconds(90))));

        Assert.All(runs, r => Assert.Equal("succeeded", r.Status));
        for (var i = 0; i < 200; i++)
        foreach (var step in new[] { "one", "two", "three" })
            Assert.Equal(1, TestActions.CountFor($"{Key}-{i}-{step}"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task a_run_interrupted_by_a_restart_finishes_on_the_new_host_without_repeating_a_step()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-restart", new { key = Key });
        await Host.RunUntil(incident, runId, r => r.Step("pause").Status == "waiting");

        // The service goes away while the run waits on a durable timer; a new one starts on the same database.
        var restarted = await Fixture.RestartAsync();
        var run = await restarted.RunEnded(incident, runId, TimeSpan.FromSeconds(60));

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(2, run.Step("flaky").Attempts); // one scheduled retry, also durable
        Assert.Equal(1, TestActions.CountFor($"{Key}-before"));
        Assert.Equal(2, TestActions.CountFor($"{Key}-flaky"));
        Assert.Equal(1, TestActions.CountFor($"{Key}-after"));
    }

    [Fact]
    public async Task a_task_timer_set_before_a_restart_escalates_on_the_new_host()
    {
        var incident = await Incident();
        await Host.StartRun(incident, "test-escalation-slow", new { key = Key });
        var task = await RunScenarios.Eventually(async () => (await Host.Get($"/api/tasks?incident={incident}")).ReadJson(), t => t.GetArrayLength() == 1);
        var ackBy = task[0].GetProperty("ackBy").GetDateTimeOffset();

        var restarted = await Fixture.RestartAsync();
        Assert.True(DateTimeOffset.UtcNow < ackBy, "the restart took longer than the acknowledgement window; the test proves nothing");

        var escalated = await RunScenarios.Eventually(
            async () => (await restarted.Get($"/api/tasks?incident={incident}&status=escalated")).ReadJson(), t => t.GetArrayLength() == 1);
        Assert.Equal(task[0].GetProperty("taskId").GetGuid(), escalated[0].GetProperty("taskId").GetGuid());
        Assert.Contains(await restarted.Timeline(incident), t => t.Type == "TaskEscalated");
    }
}
