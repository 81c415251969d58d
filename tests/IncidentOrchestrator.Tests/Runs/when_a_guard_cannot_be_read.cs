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

    [Fact]
    public async Task a_task_output_declared_a_number_is_read_as_one_and_a_word_is_refused_naming_the_output()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-typed-outputs", new { key = Key });
        var task = await RunScenarios.Eventually(async () => (await Host.Get($"/api/tasks?mine=true&incident={incident}", Rui)).ReadJson(),
            t => t.GetArrayLength() > 0);
        var complete = $"/api/tasks/{task[0].GetProperty("taskId").GetGuid()}/complete";

        // Typed as a person types: text. A word is no number: refused, naming the output, and the task stays open.
        var refused = (await Host.Post(complete, new { outputs = new { count = "many", confirmed = "yes", note = "007" } }, Rui, expect: 400)).ReadJson();
        Assert.Equal("'count' must be a number", refused.GetProperty("errors").GetProperty("outputs.count")[0].GetString());
        await Host.Post(complete, new { outputs = new { count = "7", confirmed = "yes", note = "007" } }, Rui, expect: 204);

        var run = await Host.RunEnded(incident, runId);
        Assert.Equal("succeeded", run.Step("act").Status); // 7 > 3 and yes is true: the guard read numbers and booleans
        var outputs = run.Step("ask").Outputs;
        Assert.Equal(7m, outputs.GetProperty("count").GetDecimal());
        Assert.True(outputs.GetProperty("confirmed").GetBoolean());
        Assert.Equal("007", outputs.GetProperty("note").GetString()); // text stays as typed
    }
}
