using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Tests.Fixtures;
using Npgsql;
using Wolverine.Tracking;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_a_programme_is_suspended(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task its_pipeline_can_no_longer_log_in_or_read_and_the_suspension_is_on_record()
    {
        var role = Fixture.PipelineRole;
        await using var pipeline = new NpgsqlConnection(Fixture.Warehouse.ConnectionStringFor(role, "pipeline-secret"));
        await pipeline.OpenAsync();
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-suspend", new { programme = "activity-insights" }));

        Assert.Equal("succeeded", run.Status);
        Assert.False(await Fixture.Warehouse.CanLoginAsync(role));
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, "hr.employee_activity"));
        await Assert.ThrowsAnyAsync<Exception>(async () => await new NpgsqlCommand("select 1", pipeline).ExecuteScalarAsync());

        var programme = await Programme("activity-insights");
        Assert.Equal("activity-insights", programme.GetProperty("name").GetString());
        Assert.Equal("suspended", programme.GetProperty("status").GetString());
        var reviewBy = programme.GetProperty("reviewBy").GetDateTimeOffset();
        Assert.InRange(reviewBy - programme.GetProperty("suspendedAt").GetDateTimeOffset(), TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        var history = programme.GetProperty("history").EnumerateArray().Single();
        Assert.Equal(incident, history.GetProperty("incidentId").GetGuid());
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "ProgrammeSuspended");

        // Suspending it again (another incident) changes nothing and says when it was suspended.
        var second = await Incident();
        var again = await Host.RunEnded(second, await Host.StartRun(second, "test-suspend", new { programme = "activity-insights" }));
        Assert.Equal("succeeded", again.Status);
        Assert.Single((await Programme("activity-insights")).GetProperty("history").EnumerateArray());

        // Resuming without an approval of the run is refused, and the programme stays suspended.
        var resume = new ExecuteAction(second, Guid.NewGuid(), "resume", 1, false, "programme.resume",
            new() { ["programme"] = JsonSerializer.SerializeToElement("activity-insights") }, null, []);
        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(resume);
        Assert.Equal("suspended", (await Programme("activity-insights")).GetProperty("status").GetString());
        Assert.False(await Fixture.Warehouse.CanLoginAsync(role));

        // Approved, it resumes: its account logs in again, but the catalogue does not let it read hr.employee_activity without
        // asking (its standing roles are others), so that access stays taken: it is requested anew, under the catalogue as it is now.
        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(resume with { Approvals = ["approve-resume"] });
        Assert.Equal("active", (await Programme("activity-insights")).GetProperty("status").GetString());
        Assert.True(await Fixture.Warehouse.CanLoginAsync(role));
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, "hr.employee_activity"));
        await using var session = Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var resumed = (await session.Events.FetchStreamAsync(IncidentOrchestrator.Actions.Programmes.Programme.StreamId("activity-insights")))
            .Select(e => e.Data).OfType<IncidentOrchestrator.Actions.Programmes.ProgrammeResumed>().Single();
        Assert.Equal(["hr.employee_activity"], resumed.AccessToRequest);
        Assert.Contains("was not restored", ((IncidentOrchestrator.Timeline.ITimelineEvent)resumed).Describe());
    }

    private async Task<JsonElement> Programme(string name) =>
        (await Host.Get("/api/programmes")).ReadJson().EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

    [Fact]
    public async Task a_suspension_still_in_force_at_its_review_date_is_flagged_for_the_commander()
    {
        var incident = await Host.DeclareIncident($"restricted run scenario {Key}", restricted: true);
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-suspend", new { programme = "review-soon" }));
        Assert.Equal("succeeded", run.Status);

        var programme = await RunScenarios.Eventually(() => Programme("review-soon"),
            p => p.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("change").GetString() == "review-overdue"));

        Assert.Equal("suspended", programme.GetProperty("status").GetString());
        Assert.All(programme.GetProperty("history").EnumerateArray(), h => Assert.Equal(incident, h.GetProperty("incidentId").GetGuid()));
        // Whoever may not see the restricted incident sees the programme's state, but not which incident it belongs to.
        var seenByOthers = (await Host.Get("/api/programmes", Api.Leadership)).ReadJson().EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "review-soon");
        Assert.Equal("suspended", seenByOthers.GetProperty("status").GetString());
        Assert.All(seenByOthers.GetProperty("history").EnumerateArray(),
            h => Assert.Equal(JsonValueKind.Null, h.GetProperty("incidentId").ValueKind));
        Assert.DoesNotContain(incident.ToString(), seenByOthers.GetRawText());
        var overdue = (await Host.Timeline(incident)).Single(t => t.Type == "ProgrammeReviewOverdue");
        Assert.Contains("the commander must decide", overdue.Summary);

        // The incident's commander has a task to decide, outside any run.
        var task = (await RunScenarios.Eventually(
            async () => (await Host.Get($"/api/tasks?mine=true&incident={incident}", Api.Commander)).ReadJson(), t => t.GetArrayLength() == 1))[0];
        Assert.Equal("user:cora.commander", task.GetProperty("assignee").GetString());
        Assert.StartsWith("Decide on programme review-soon", task.GetProperty("title").GetString());
        var taskId = task.GetProperty("taskId").GetGuid();
        await Host.Post($"/api/tasks/{taskId}/complete", new { outputs = new { decision = "keep suspended until the ACL audit ends" } }, expect: 204);
        Assert.Equal("completed", (await Host.Get($"/api/tasks?incident={incident}", Api.Commander)).ReadJson()[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task an_unregistered_programme_fails_the_step_clearly()
    {
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-suspend", new { programme = "no-such-programme" }));

        Assert.Equal("failed", run.Status);
        Assert.Equal("no programme named 'no-such-programme' is registered (Programmes__no-such-programme__…)", run.Step("suspend").Error);
    }
}
