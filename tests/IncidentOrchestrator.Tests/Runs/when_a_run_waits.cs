using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_a_run_waits(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task a_duration_wait_elapses_on_a_durable_timer()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-waits", new { key = Key }));

        Assert.Equal("elapsed", run.Step("pause").Outcome);
        Assert.True(run.Step("pause").EndedAt - run.Step("pause").StartedAt >= TimeSpan.FromMilliseconds(950));
        Assert.Equal(1, TestActions.CountFor($"{Key}-after-pause"));
    }

    [Fact]
    public async Task a_signal_wait_resumes_when_a_matching_signal_joins_the_incident()
    {
        var first = await Host.SendSignal(Scenarios.Signal($"fp-{Key}"));
        var incident = first.IncidentId;
        var runId = await Host.StartRun(incident, "test-wait-signal", new { key = Key });
        await Host.RunUntil(incident, runId, r => r.Step("follow-up").Status == "waiting");

        await Host.SendSignal(Scenarios.Signal($"fp-{Key}", type: "something.else"));
        Assert.Equal("waiting", (await Host.Run(incident, runId)).Step("follow-up").Status);
        var followUp = await Host.SendSignal(Scenarios.Signal($"fp-{Key}", type: "test.followup"));
        var run = await Host.RunEnded(incident, runId);

        Assert.Equal("signalled", run.Step("follow-up").Outcome);
        Assert.Equal(followUp.SignalId, run.Step("follow-up").Outputs.GetProperty("signalId").GetGuid());
        Assert.Equal(1, TestActions.CountFor($"{Key}-signalled"));
    }

    [Fact]
    public async Task a_signal_wait_times_out_when_no_signal_comes()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-wait-signal-short", new { key = Key }));

        Assert.Equal("elapsed", run.Step("follow-up").Outcome);
        Assert.Equal(1, TestActions.CountFor($"{Key}-elapsed"));
    }
}
