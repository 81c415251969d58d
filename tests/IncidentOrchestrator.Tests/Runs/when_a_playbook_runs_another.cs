using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_a_playbook_runs_another(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task the_parent_step_ends_with_the_child_run_succeeding()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-parent", new { key = Key }));

        Assert.Equal("succeeded", run.Status);
        var childRunId = run.Step("child").Outputs.GetProperty("runId").GetGuid();
        var child = await Host.Run(incident, childRunId);
        Assert.Equal("test-child", child.Playbook);
        Assert.Equal("succeeded", child.Status);
        Assert.Equal(1, TestActions.CountFor($"{Key}-child-work"));
        Assert.Equal(1, TestActions.CountFor($"{Key}-after-child"));
        Assert.Equal(2, (await Host.Incident(incident)).Runs.GetArrayLength());
    }

    [Fact]
    public async Task the_parent_step_fails_when_the_child_run_fails()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-parent", new { key = Key, childFails = true }));

        Assert.Equal("failed", run.Status);
        Assert.Equal("failed", run.Step("child").Status);
        Assert.Contains("ended failed", run.Step("child").Error);
        Assert.Equal(0, TestActions.CountFor($"{Key}-after-child"));
    }
}
