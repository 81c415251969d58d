using System.Text.Json;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Tasks;
using IncidentOrchestrator.Tests.Fixtures;
using Marten;

namespace IncidentOrchestrator.Tests.Upgrades;

/// <summary>
/// The previous release's ops/demo stopped after containment (<c>previous-release-in-flight.sql.gz</c>): its run waits for
/// the on-call responder's tasks. This build takes the run over where that one left it: a completed task moves it on, and a
/// commander's cancel ends it; its record still replays with no difference and its chain still verifies.
/// </summary>
public sealed class a_run_the_previous_release_left_waiting() : PreviousRelease("previous-release-in-flight.sql.gz")
{
    [Fact]
    public async Task goes_on_when_its_task_is_done_and_ends_when_it_is_cancelled()
    {
        var run = (await QueryAsync(s => s.Query<PlaybookRun>().Where(r => r.Started).ToListAsync())).Single();
        Assert.Equal(RunStates.Waiting, run.Status);
        var scope = (await QueryAsync(s => s.Query<TaskItem>().Where(t => t.RunId == run.Id && t.StepId == "scope-exposure").ToListAsync())).Single();

        await Host.Post($"/api/tasks/{scope.Id}/complete", new
        {
            outputs = new { readers = "engineer_1,engineer_2", firstExposedAt = "2026-11-29T08:00:00Z", affectedEmployees = 200 },
        }, Api.Responder, expect: 204);
        var moved = await RunAsync(run, r => r.Steps["notify-privacy"].Status != StepStatuses.Pending);
        Assert.Equal(StepStatuses.Succeeded, moved.Steps["scope-exposure"].Status);
        Assert.Equal("engineer_1,engineer_2", moved.Steps["scope-exposure"].Outputs["readers"].GetString());
        Assert.Equal(StepStatuses.Waiting, moved.Steps["notify-privacy"].Status); // the step after it started, under this build
        Assert.Empty(await RecordedRunsReplay.DifferencesAsync(Host.Services)); // while it runs, not only once it was cancelled

        await Host.Post($"/api/incidents/{run.IncidentId}/runs/{run.Id}/cancel", new { reason = "taken over by hand" },
            Tokens.For("dana.commander", IncidentOrchestrator.Contracts.Roles.Commander), expect: 202); // the incident's commander
        var ended = await RunAsync(run, r => r.HasEnded);
        Assert.Equal(RunStates.Cancelled, ended.Status);
        Assert.All(ended.Steps.Values, s => Assert.True(s.HasEnded));
        Assert.Equal(StepStatuses.Cancelled, ended.Steps["find-root-cause"].Status);

        var verify = (await Host.Get($"/api/incidents/{run.IncidentId}/verify", Api.Admin)).ReadJson();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        Assert.Empty(await RecordedRunsReplay.DifferencesAsync(Host.Services));
    }

    private async Task<PlaybookRun> RunAsync(PlaybookRun run, Func<PlaybookRun, bool> until)
    {
        for (var waited = TimeSpan.Zero; ; waited += TimeSpan.FromMilliseconds(50))
        {
            var now = await QueryAsync(s => s.LoadAsync<PlaybookRun>(run.Id));
            if (until(now!)) return now!;
            if (waited > TimeSpan.FromSeconds(20)) Assert.Fail($"the run did not move on: {JsonSerializer.Serialize(now!.Steps)}");
            await Task.Delay(50);
        }
    }
}
