using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_a_playbook_runs(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task independent_steps_run_in_parallel_and_the_join_waits_for_both()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-parallel", new { key = Key }));

        Assert.Equal("succeeded", run.Status);
        var (left, right, join) = (run.Step("left"), run.Step("right"), run.Step("join"));
        Assert.True((right.StartedAt!.Value - left.StartedAt!.Value).Duration() < TimeSpan.FromMilliseconds(500), "the two steps did not start together");
        Assert.True(join.StartedAt >= left.EndedAt && join.StartedAt >= right.EndedAt);
        var elapsed = join.StartedAt!.Value - left.StartedAt!.Value;
        Assert.True(elapsed < TimeSpan.FromMilliseconds(1800), $"two 1 s steps took {elapsed.TotalMilliseconds:F0} ms: not parallel");
        Assert.Equal(1, TestActions.CountFor($"{Key}-join"));
    }

    [Fact]
    public async Task the_run_pins_the_hash_of_the_playbook_text_it_started_with()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-parallel", new { key = Key });
        var playbook = (await Host.Get("/api/playbooks/test-parallel")).ReadJson();

        var accepted = await Host.Run(incident, runId); // readable from the moment it is accepted
        Assert.Equal(playbook.GetProperty("hash").GetString(), accepted.PlaybookHash);
        Assert.Equal("running", accepted.Status);

        var run = await Host.RunEnded(incident, runId);
        var started = (await Host.Timeline(incident, Api.Admin)).Single(t => t.Type == "PlaybookRunStarted");
        Assert.Equal(run.PlaybookHash, started.Data.GetProperty("playbookHash").GetString());
    }

    [Fact]
    public async Task a_false_when_skips_its_step_and_the_next_with_reasons_on_the_timeline()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-when", new { key = Key }));

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(["skipped", "skipped", "succeeded"], run.Steps.Select(s => s.Status));
        var skips = (await Host.Timeline(incident)).Where(t => t.Type == "StepSkipped").Select(t => t.Data.GetProperty("reason").GetString()).ToList();
        Assert.Equal(["when 'inputs.enabled == true' is false", "needs 'conditional', which was skipped because its when is false"], skips);
        Assert.Equal(0, TestActions.CountFor($"{Key}-conditional"));
        Assert.Equal(1, TestActions.CountFor($"{Key}-later"));
    }

    [Fact]
    public async Task a_true_when_runs_everything()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-when", new { key = Key, enabled = true }));

        Assert.Equal(["succeeded", "succeeded", "succeeded"], run.Steps.Select(s => s.Status));
    }

    [Fact]
    public async Task bad_inputs_or_an_unknown_playbook_are_refused_with_each_problem_named()
    {
        var incident = await Incident();

        var problem = (await Host.Post($"/api/incidents/{incident}/runs", new { playbook = "test-retry", inputs = new { failures = "two", colour = 1 } },
            expect: 400)).Read<ProblemView>();
        Assert.Equal(["inputs.colour", "inputs.failures", "inputs.key"], problem.Errors!.Keys.Order());

        var unknown = (await Host.Post($"/api/incidents/{incident}/runs", new { playbook = "no-such-playbook" }, expect: 400)).Read<ProblemView>();
        Assert.Equal(["playbook"], unknown.Errors!.Keys);
        Assert.Empty((await Host.Incident(incident)).Runs.EnumerateArray());
    }

    [Fact]
    public async Task the_incident_lists_its_runs_and_the_timeline_tells_every_step()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-when", new { key = Key, enabled = true });
        await Host.RunEnded(incident, runId);

        var listed = (await Host.Incident(incident)).Runs.EnumerateArray().Single();
        Assert.Equal(runId, listed.GetProperty("runId").GetGuid());
        Assert.Equal("test-when", listed.GetProperty("playbook").GetString());
        Assert.Equal("succeeded", listed.GetProperty("status").GetString());
        var types = (await Host.Timeline(incident)).Select(t => t.Type).ToList();
        Assert.Equal(3, types.Count(t => t == "StepStarted"));
        Assert.Equal(3, types.Count(t => t == "StepSucceeded"));
        Assert.Equal("PlaybookRunEnded", types[^1]);
    }
}
