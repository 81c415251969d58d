using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

/// <summary>
/// The incident's own actions (set-severity, add-note, notify) run inside the run's turn: each step sees what the steps
/// before it did to the incident, and a refused change fails and retries like any action.
/// </summary>
public sealed class when_a_playbook_changes_its_incident(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task each_step_sees_what_the_step_before_did_to_the_incident()
    {
        var incident = await Incident(); // declared high
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-incident-changes", new { first = "medium", second = "critical" }));

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(["succeeded", "succeeded", "succeeded", "succeeded"], run.Steps.Select(s => s.Status));
        var timeline = await Host.Timeline(incident);
        var changes = timeline.Where(t => t.Type == "IncidentSeverityChanged")
            .Select(t => $"{t.Data.GetProperty("from").GetString()}->{t.Data.GetProperty("severity").GetString()}").ToList();
        Assert.Equal(["high->medium", "medium->critical"], changes);
        Assert.Equal("now critical", timeline.Single(t => t.Type == "IncidentNoteAdded").Data.GetProperty("note").GetString());
        Assert.Equal("severity is critical", timeline.Single(t => t.Type == "IncidentNotified").Data.GetProperty("message").GetString());
        Assert.Equal("critical", (await Host.Incident(incident)).Severity);
    }

    [Fact]
    public async Task a_step_run_in_the_runs_turn_is_one_event_that_says_it_ran_and_how_it_ended()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-incident-changes", new { first = "medium", second = "critical" }));

        var timeline = (await Host.Timeline(incident)).ToList();
        Assert.DoesNotContain(timeline, t => t.Type is "StepStarted" or "StepSucceeded");
        var ran = timeline.Where(t => t.Type == "StepRan").ToList();
        Assert.Equal(["first", "second", "note-when-critical", "tell"], ran.Select(t => t.Data.GetProperty("stepId").GetString()));
        Assert.All(ran, t => Assert.Equal("succeeded", t.Data.GetProperty("outcome").GetString()));
        Assert.Equal("critical", ran[1].Data.GetProperty("outputs").GetProperty("severity").GetString());
        Assert.Equal("Step first ran incident.set-severity: succeeded", ran[0].Summary);
        // each step still follows the change the one before it recorded, and the whole history verifies
        Assert.True(timeline.FindIndex(t => t.Type == "IncidentNoteAdded") < timeline.FindIndex(t => t.Type == "StepRan" && t.Data.GetProperty("stepId").GetString() == "note-when-critical"));
        Assert.Equal("succeeded", run.Status);
        Assert.True((await Host.Get($"/api/incidents/{incident}/verify")).ReadJson().GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task a_step_that_opens_a_phase_records_its_start_when_it_starts_so_the_phase_moves_in_order()
    {
        var incident = await Incident(); // declared: in triage
        Assert.Equal("succeeded", (await Host.RunEnded(incident, await Host.StartRun(incident, "test-phases"))).Status);

        var steps = (await Host.Timeline(incident)).Where(t => t.Type is "StepStarted" or "StepSucceeded" or "StepRan")
            .Select(t => $"{t.Type} {t.Data.GetProperty("stepId").GetString()}").ToList();
        Assert.Equal(["StepStarted open-containment", "StepSucceeded open-containment", "StepRan still-containing", "StepRan no-phase"], steps);
        Assert.Equal("containment", (await Host.Get($"/api/incidents/{incident}")).ReadJson().GetProperty("phase").GetString());
    }

    [Fact]
    public async Task a_change_to_what_the_incident_already_is_records_nothing_and_the_when_reads_the_new_severity()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-incident-changes", new { first = "high", second = "low" }));

        Assert.Equal(["succeeded", "succeeded", "skipped", "skipped"], run.Steps.Select(s => s.Status)); // the last needs a step skipped by its when
        var timeline = await Host.Timeline(incident);
        Assert.Equal(["high->low"], timeline.Where(t => t.Type == "IncidentSeverityChanged")
            .Select(t => $"{t.Data.GetProperty("from").GetString()}->{t.Data.GetProperty("severity").GetString()}"));
        Assert.DoesNotContain(timeline, t => t.Type == "IncidentNoteAdded");
    }

    [Fact]
    public async Task a_refused_change_is_retried_then_fails_the_step_and_changes_nothing()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-incident-changes", new { first = "urgent", second = "low" }));

        Assert.Equal("failed", run.Status);
        Assert.Equal("failed", run.Step("first").Status);
        Assert.Equal(2, run.Step("first").Attempts);
        var timeline = await Host.Timeline(incident);
        var failures = timeline.Where(t => t.Type == "StepAttemptFailed").Select(t => t.Data.GetProperty("error").GetString()).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal("'urgent' is not one of low, medium, high, critical", f));
        Assert.Single(timeline, t => t.Type == "StepRetryScheduled");
        Assert.DoesNotContain(timeline, t => t.Type == "IncidentSeverityChanged");
        Assert.Equal("high", (await Host.Incident(incident)).Severity);
    }

    [Fact]
    public async Task a_replay_decides_a_guard_on_what_it_read_then_not_on_the_incident_as_it_is_now()
    {
        var incident = await Incident();
        var first = await Host.StartRun(incident, "test-incident-changes", new { first = "medium", second = "critical" });
        Assert.Equal("succeeded", (await Host.RunEnded(incident, first)).Status);
        // The incident moves on: a second run brings it down to low, so the first run's guard would now be false.
        await Host.RunEnded(incident, await Host.StartRun(incident, "test-incident-changes", new { first = "medium", second = "low" }));
        Assert.Equal("low", (await Host.Incident(incident)).Severity);

        var noted = (await Host.Timeline(incident)).Single(t => t.Type == "StepRan" && t.Data.GetProperty("stepId").GetString() == "note-when-critical");
        Assert.Equal("""{"severity":"critical"}""", noted.Data.GetProperty("incidentRead").GetRawText());
        var text = (await Host.Get("/api/playbooks/test-incident-changes")).ReadJson().GetProperty("source").GetString();
        var replay = (await Host.Post("/api/playbooks/replay", new { text, incidents = new[] { incident } }, Api.Admin)).ReadJson();
        var run = replay.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("runId").GetGuid() == first);
        Assert.Equal(0, run.GetProperty("differences").GetArrayLength());
        Assert.Equal("succeeded", run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "note-when-critical")
            .GetProperty("candidate").GetString());
    }
}
