using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_a_step_fails(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task it_is_retried_with_backoff_and_then_succeeds()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-retry", new { key = Key, failures = 2 }));

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(3, run.Step("flaky").Attempts);
        Assert.Equal(3, TestActions.CountFor($"{Key}-flaky"));
        var timeline = await Host.Timeline(incident);
        Assert.Equal(2, timeline.Count(t => t.Type == "StepAttemptFailed"));
        Assert.Equal([2, 3], timeline.Where(t => t.Type == "StepRetryScheduled").Select(t => t.Data.GetProperty("nextAttempt").GetInt32()));
    }

    [Fact]
    public async Task when_retries_run_out_fail_ends_the_run_and_stops_what_depends_on_it()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-retry", new { key = Key, failures = 10 }));

        Assert.Equal("failed", run.Status);
        Assert.Equal("failed", run.Step("flaky").Status);
        Assert.Equal(3, TestActions.CountFor($"{Key}-flaky"));
        Assert.Equal("cancelled", run.Step("after").Status);
        Assert.Equal(0, TestActions.CountFor($"{Key}-after"));
        Assert.Contains("flaky failure 3", run.Reason);
    }

    [Fact]
    public async Task when_retries_run_out_continue_records_the_failure_and_goes_on()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-retry-continue", new { key = Key, failures = 10 }));

        Assert.Equal("succeeded", run.Status);
        Assert.Equal("failed", run.Step("flaky").Status);
        Assert.Equal("skipped", run.Step("after").Status);
        Assert.Equal("succeeded", run.Step("independent").Status);
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "StepFailed" && t.Data.GetProperty("route").GetString() == "continue");
    }

    [Fact]
    public async Task when_retries_run_out_compensate_undoes_completed_steps_newest_first()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-compensate", new { key = Key }));

        Assert.Equal("compensated", run.Status);
        Assert.Equal([$"{Key}-undo-third", $"{Key}-undo-second", $"{Key}-undo-first"], TestActions.ValuesFor($"{Key}-undo"));
        Assert.Equal(["compensated", "succeeded", "compensated", "compensated", "failed", "cancelled"], run.Steps.Select(s => s.Status));
        Assert.Equal(0, TestActions.CountFor($"{Key}-never"));
        Assert.Equal(3, (await Host.Timeline(incident)).Count(t => t.Type == "StepCompensated"));
    }

    [Fact]
    public async Task when_retries_run_out_escalate_waits_for_the_commander_who_retries()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-retry-escalate", new { key = Key, failures = 2 });
        var escalated = await Host.RunUntil(incident, runId, r => r.Step("flaky").Escalated, what: "escalated");

        Assert.Equal("waiting", escalated.Status);
        Assert.Equal("waiting", escalated.Step("flaky").Status);
        Assert.Equal("succeeded", escalated.Step("independent").Status);
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "StepEscalated");

        await Host.Post($"/api/incidents/{incident}/runs/{runId}/steps/flaky/retry", null, expect: 202);
        var run = await Host.RunEnded(incident, runId);

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(3, run.Step("flaky").Attempts);
        Assert.Equal(1, TestActions.CountFor($"{Key}-after"));
        // Answered through the API, the commander's escalation task is closed.
        var task = await RunScenarios.Eventually(async () => (await EscalationTasks(incident))[0], t => t.GetProperty("status").GetString() == "cancelled");
        Assert.Equal("role:commander", task.GetProperty("assignee").GetString());
    }

    private async Task<JsonElement> EscalationTasks(Guid incident) =>
        (await Host.Get($"/api/tasks?incident={incident}", Api.Commander)).ReadJson();

    private async Task<Guid> TheCommandersEscalationTask(Guid incident)
    {
        var tasks = await RunScenarios.Eventually(() => EscalationTasks(incident), t => t.GetArrayLength() == 1);
        Assert.StartsWith("Step flaky of test-retry-escalate failed: retry it, skip it or abort the run", tasks[0].GetProperty("title").GetString());
        Assert.Contains("decision = retry, skip, abort", tasks[0].GetProperty("instructions").GetString());
        return tasks[0].GetProperty("taskId").GetGuid();
    }

    [Fact]
    public async Task an_escalated_step_is_a_task_for_the_commander_who_answers_it_with_a_decision()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-retry-escalate", new { key = Key, failures = 10 });
        await Host.RunUntil(incident, runId, r => r.Step("flaky").Escalated, what: "escalated");
        var taskId = await TheCommandersEscalationTask(incident);

        var wrong = (await Host.Post($"/api/tasks/{taskId}/complete", new { outputs = new { decision = "maybe" } }, expect: 400)).Read<ProblemView>();
        Assert.Equal(["outputs.decision"], wrong.Errors!.Keys);
        await Host.Post($"/api/tasks/{taskId}/complete", new { outputs = new { decision = "skip" }, notes = "known flaky" }, expect: 204);
        var run = await Host.RunEnded(incident, runId);

        Assert.Equal("succeeded", run.Status);
        Assert.Equal("skipped", run.Step("flaky").Status);
        Assert.Equal("succeeded", run.Step("after").Status);
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "StepEscalationResolved" && t.Summary.Contains("skip"));
    }

    [Fact]
    public async Task the_commander_can_abort_the_run_from_the_escalation_task()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-retry-escalate", new { key = Key, failures = 10 });
        await Host.RunUntil(incident, runId, r => r.Step("flaky").Escalated, what: "escalated");
        var taskId = await TheCommandersEscalationTask(incident);

        await Host.Post($"/api/tasks/{taskId}/complete", new { outputs = new { decision = "abort" } }, expect: 204);
        var run = await Host.RunEnded(incident, runId);

        Assert.Equal("cancelled", run.Status);
        Assert.Equal(0, TestActions.CountFor($"{Key}-after"));
    }

    [Fact]
    public async Task when_retries_run_out_escalate_waits_for_the_commander_who_skips()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-retry-escalate", new { key = Key, failures = 10 });
        await Host.RunUntil(incident, runId, r => r.Step("flaky").Escalated, what: "escalated");

        await Host.Post($"/api/incidents/{incident}/runs/{runId}/steps/independent/skip", null, expect: 409);
        await Host.Post($"/api/incidents/{incident}/runs/{runId}/steps/flaky/skip", null, expect: 202);
        var run = await Host.RunEnded(incident, runId);

        Assert.Equal("succeeded", run.Status);
        Assert.Equal("skipped", run.Step("flaky").Status);
        Assert.Equal("succeeded", run.Step("after").Status); // a skip by the commander counts as done
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "StepEscalationResolved" && t.Actor == "cora.commander");
    }

    [Fact]
    public async Task cancelling_a_run_cancels_its_waiting_steps_and_records_who_did_it()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-long-wait", new { key = Key });
        await Host.RunUntil(incident, runId, r => r.Step("quick").Status == "succeeded" && r.Step("hour").Status == "waiting");

        await Host.Post($"/api/incidents/{incident}/runs/{runId}/cancel", new { reason = "false positive" }, expect: 202);
        var run = await Host.RunEnded(incident, runId);

        Assert.Equal("cancelled", run.Status);
        Assert.Equal(["cancelled", "cancelled", "succeeded"], run.Steps.Select(s => s.Status));
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "PlaybookRunCancelRequested" && t.Actor == "cora.commander");
        await Host.Post($"/api/incidents/{incident}/runs/{runId}/cancel", null, expect: 409);
    }
}
