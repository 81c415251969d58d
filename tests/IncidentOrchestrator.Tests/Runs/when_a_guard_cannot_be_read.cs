using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

/// <summary>
/// A <c>when</c> over what a person typed that cannot be evaluated fails its step (here: escalates it), as the dry run
/// and the replay say; the commander's retry reads the guard again rather than running the step past it. The fixture
/// replays the run with its own text when the scenarios end.
/// </summary>
public sealed class when_a_guard_cannot_be_read(RunsFixture fixture) : RunContext(fixture)
{
    private static readonly string Rui = Tokens.For("rui.responder", Roles.Responder);

    [Fact]
    public async Task the_step_fails_by_its_route_and_a_retry_reads_the_guard_again()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-guard", new { key = Key });
        var task = await RunScenarios.Eventually(async () => (await Host.Get($"/api/tasks?mine=true&incident={incident}", Rui)).ReadJson(),
            t => t.GetArrayLength() > 0);
        await Host.Post($"/api/tasks/{task[0].GetProperty("taskId").GetGuid()}/complete", new { outputs = new { count = "many" } }, Rui, expect: 204);

        var escalated = await Host.RunUntil(incident, runId, r => r.Step("act").Escalated, what: "act escalated");
        Assert.Contains("when 'steps.ask.outputs.count > 3' cannot be evaluated", escalated.Step("act").Error);
        Assert.Equal(0, escalated.Step("act").Attempts); // it never ran

        await Host.Post($"/api/incidents/{incident}/runs/{runId}/steps/act/retry", null, Api.Commander, expect: 202);
        var again = await Host.RunUntil(incident, runId, r => r.Step("act").Escalated, what: "act escalated again");
        Assert.Equal(0, again.Step("act").Attempts);
        Assert.Equal(0, TestActions.CountFor($"{Key}-act"));

        await Host.Post($"/api/incidents/{incident}/runs/{runId}/steps/act/skip", null, Api.Commander, expect: 202);
        Assert.Equal("succeeded", (await Host.RunEnded(incident, runId)).Status);
    }
}
