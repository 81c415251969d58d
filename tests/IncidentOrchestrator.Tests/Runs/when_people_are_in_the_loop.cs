using System.Text.Json;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_people_are_in_the_loop(RunsFixture fixture) : RunContext(fixture)
{
    private static readonly string Rui = Tokens.For("rui.responder", Roles.Responder);
    private static readonly string Sam = Tokens.For("sam.responder", Roles.Responder);
    private static readonly string Lena = Tokens.For("lena.leadership", Roles.Leadership);
    private static readonly string Pia = Tokens.For("pia.privacy", Roles.Privacy);
    private static readonly string CoraAsLeader = Tokens.For("cora.commander", Roles.Commander, Roles.Leadership);

    private async Task<JsonElement> MyTask(string token, Guid incident) => await RunScenarios.Eventually(
        async () => (await Host.Get($"/api/tasks?mine=true&incident={incident}", token)).ReadJson(), t => t.GetArrayLength() > 0);

    private async Task<JsonElement> MyApproval(string token, Guid incident) => (await RunScenarios.Eventually(
        async () => (await Host.Get($"/api/approvals?mine=true&incident={incident}", token)).ReadJson(), a => a.GetArrayLength() > 0))[0];

    [Fact]
    public async Task two_approvers_deciding_at_the_same_moment_both_count()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-people", new { key = Key });
        var task = (await MyTask(Rui, incident))[0].GetProperty("taskId").GetGuid();
        await Host.Post($"/api/tasks/{task}/complete", new { outputs = new { readers = "ann" } }, Rui, expect: 204);
        var approvalId = (await MyApproval(Lena, incident)).GetProperty("approvalId").GetGuid();

        await Task.WhenAll(
                Host.Post($"/api/approvals/{approvalId}/decision", new { decision = "approve" }, Lena, expect: 204),
                Host.Post($"/api/approvals/{approvalId}/decision", new { decision = "approve" }, Pia, expect: 204));

        Assert.Equal("approved", (await Host.RunEnded(incident, runId)).Step("approve").Outcome);
        Assert.Equal(2, (await Host.Timeline(incident)).Count(t => t.Type == "ApprovalDecided"));
    }

    [Fact]
    public async Task the_on_call_responder_gets_the_task_and_its_outputs_feed_a_later_step_after_two_approvals()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-people", new { key = Key });

        var task = (await MyTask(Rui, incident))[0];
        Assert.Equal("user:rui.responder", task.GetProperty("assignee").GetString());
        Assert.Equal("oncall:security", task.GetProperty("assignedAs").GetString());
        Assert.Equal($"Find who read the data ({Key})", task.GetProperty("title").GetString());
        Assert.Equal($"/api/incidents/{incident}", task.GetProperty("link").GetString());
        Assert.Equal(0, (await Host.Get($"/api/tasks?mine=true&incident={incident}", Sam)).ReadJson().GetArrayLength());
        var taskId = task.GetProperty("taskId").GetGuid();

        await Host.Post($"/api/tasks/{taskId}/ack", null, Sam, expect: 403);
        await Host.Post($"/api/tasks/{taskId}/ack", null, Rui, expect: 204);
        await Host.Post($"/api/tasks/{taskId}/ack", null, Rui, expect: 409);
        var missing = (await Host.Post($"/api/tasks/{taskId}/complete", new { outputs = new { } }, Rui, expect: 400)).Read<ProblemView>();
        Assert.Equal(["outputs.readers"], missing.Errors!.Keys);
        var unknown = (await Host.Post($"/api/tasks/{taskId}/complete", new { outputs = new { readers = "x", extra = 1 } }, Rui, expect: 400)).Read<ProblemView>();
        Assert.Equal(["outputs.extra"], unknown.Errors!.Keys);
        await Host.Post($"/api/tasks/{taskId}/complete", new { outputs = new { readers = "ann,bob" }, notes = "from the access log" }, Rui, expect: 204);

        // Two distinct people approve; the one who started the run may not; deciding twice counts once.
        var approvalId = (await MyApproval(Lena, incident)).GetProperty("approvalId").GetGuid();
        var forbidden = (await Host.Post($"/api/approvals/{approvalId}/decision", new { decision = "approve" }, CoraAsLeader, expect: 403)).Read<ProblemView>();
        Assert.Equal("Separation of duties", forbidden.Title);
        await Host.Post($"/api/approvals/{approvalId}/decision", new { decision = "approve" }, Lena, expect: 204);
        await Host.Post($"/api/approvals/{approvalId}/decision", new { decision = "approve" }, Lena, expect: 204);
        Assert.Equal("waiting", (await Host.Run(incident, runId)).Step("approve").Status);
        await Host.Post($"/api/approvals/{approvalId}/decision", new { decision = "approve", comment = "safeguards verified" }, Pia, expect: 204);

        var run = await Host.RunEnded(incident, runId);
        Assert.Equal("succeeded", run.Status);
        Assert.Equal("approved", run.Step("approve").Outcome);
        Assert.Equal("ann,bob", run.Step("investigate").Outputs.GetProperty("readers").GetString());
        Assert.Equal(1, TestActions.CountFor($"{Key}-ann,bob"));
        var timeline = await Host.Timeline(incident);
        Assert.Equal(2, timeline.Count(t => t.Type == "ApprovalDecided"));
        Assert.Contains(timeline, t => t.Type == "TaskCompleted" && t.Actor == "rui.responder");
    }

    [Fact]
    public async Task one_rejection_ends_the_approval_and_the_dependent_step_is_skipped()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-people", new { key = Key });
        var taskId = (await MyTask(Rui, incident))[0].GetProperty("taskId").GetGuid();
        await Host.Post($"/api/tasks/{taskId}/complete", new { outputs = new { readers = "ann" } }, Rui, expect: 204);

        var approvalId = (await MyApproval(Pia, incident)).GetProperty("approvalId").GetGuid();
        await Host.Post($"/api/approvals/{approvalId}/decision", new { decision = "reject", comment = "not yet" }, Pia, expect: 204);
        var run = await Host.RunEnded(incident, runId);

        Assert.Equal("rejected", run.Step("approve").Outcome);
        Assert.Equal("skipped", run.Step("after").Status);
        await Host.Post($"/api/approvals/{approvalId}/decision", new { decision = "approve" }, Lena, expect: 409);
    }

    [Fact]
    public async Task a_task_not_acknowledged_in_time_is_escalated_to_the_commander()
    {
        var incident = await Incident();
        await Host.StartRun(incident, "test-escalation", new { key = Key });
        var taskId = (await MyTask(Rui, incident))[0].GetProperty("taskId").GetGuid();

        var escalation = await RunScenarios.Eventually(
            async () => (await Host.Get($"/api/tasks?mine=true&incident={incident}", Api.Commander)).ReadJson(), t => t.GetArrayLength() > 0);

        Assert.Equal("role:commander", escalation[0].GetProperty("assignee").GetString());
        Assert.StartsWith("Escalated (not acknowledged by", escalation[0].GetProperty("title").GetString());
        var original = (await Host.Get($"/api/tasks?incident={incident}&status=escalated", Api.Commander)).ReadJson();
        Assert.Equal(taskId, original[0].GetProperty("taskId").GetGuid());
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "TaskEscalated");
    }

    [Fact]
    public async Task an_acknowledged_task_not_done_in_time_is_escalated_and_its_assignee_can_still_finish_it()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-due", new { key = Key });
        var taskId = (await MyTask(Rui, incident))[0].GetProperty("taskId").GetGuid();
        await Host.Post($"/api/tasks/{taskId}/ack", null, Rui, expect: 204);

        var escalation = await RunScenarios.Eventually(
            async () => (await Host.Get($"/api/tasks?mine=true&incident={incident}", Api.Commander)).ReadJson(), t => t.GetArrayLength() > 0);

        Assert.StartsWith("Escalated (not completed by", escalation[0].GetProperty("title").GetString());
        await Host.Post($"/api/tasks/{taskId}/complete", new { outputs = new { } }, Rui, expect: 204);
        Assert.Equal("succeeded", (await Host.RunEnded(incident, runId)).Status);
        var copy = (await Host.Get($"/api/tasks?incident={incident}&status=superseded", Api.Commander)).ReadJson();
        Assert.Equal(escalation[0].GetProperty("taskId").GetGuid(), copy[0].GetProperty("taskId").GetGuid());
    }

    [Fact]
    public async Task escalation_widens_the_circle_and_the_first_to_complete_the_work_resolves_the_step()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-escalation-outputs", new { key = Key });
        var original = (await MyTask(Rui, incident))[0].GetProperty("taskId").GetGuid();

        // Nobody acknowledged within a second: the commanders get a copy of the work.
        var commanders = (await RunScenarios.Eventually(
            async () => (await Host.Get($"/api/tasks?mine=true&incident={incident}&status=open", Api.Commander)).ReadJson(),
            t => t.GetArrayLength() > 0))[0];
        Assert.Equal(original, commanders.GetProperty("workId").GetGuid());
        Assert.Equal(original, commanders.GetProperty("escalationOf").GetGuid());

        // The responder answers a minute late: the work is still theirs to do.
        await Host.Post($"/api/tasks/{original}/ack", null, Rui, expect: 204);
        var unknown = (await Host.Post($"/api/tasks/{original}/complete", new { outputs = new { readers = "ann", extra = 1 } }, Rui, expect: 400))
            .Read<ProblemView>();
        Assert.Equal(["outputs.extra"], unknown.Errors!.Keys);
        await Host.Post($"/api/tasks/{original}/complete", new { outputs = new { readers = "ann,bob" } }, Rui, expect: 204);

        var run = await Host.RunEnded(incident, runId);
        Assert.Equal("succeeded", run.Status);
        Assert.Equal("ann,bob", run.Step("investigate").Outputs.GetProperty("readers").GetString());
        Assert.Equal(1, TestActions.CountFor($"{Key}-ann,bob"));

        var tasks = (await Host.Get($"/api/tasks?incident={incident}", Api.Commander)).ReadJson().EnumerateArray().ToList();
        Assert.Equal(["completed", "superseded"], tasks.Select(t => t.GetProperty("status").GetString()));
        Assert.Equal("rui.responder", tasks[0].GetProperty("completedBy").GetString());
        await Host.Post($"/api/tasks/{commanders.GetProperty("taskId").GetGuid()}/complete", new { outputs = new { readers = "x" } }, Api.Commander,
            expect: 409);
        var superseded = Assert.Single(await Host.Timeline(incident), e => e.Type == "TaskSuperseded");
        Assert.Equal("rui.responder", superseded.Actor);
    }

    [Fact]
    public async Task an_acknowledgement_after_the_first_level_stops_the_escalation_policy()
    {
        var incident = await Incident();
        await Host.StartRun(incident, "test-escalation-policy", new { key = Key });
        var original = (await MyTask(Rui, incident))[0].GetProperty("taskId").GetGuid();

        // Level 1 (the secondary rotation) gets a copy; the original assignee then acknowledges before level 2.
        var secondary = (await RunScenarios.Eventually(
            async () => (await Host.Get($"/api/tasks?incident={incident}", Api.Commander)).ReadJson().EnumerateArray().ToList(),
            t => t.Count == 2))[1];
        Assert.Equal("oncall:security-secondary", secondary.GetProperty("assignedAs").GetString());
        await Host.Post($"/api/tasks/{original}/ack", null, Rui, expect: 204);

        // Level 2 would have come a second after level 1; wait past it and find no third copy.
        var ackBy = secondary.GetProperty("ackBy").GetDateTimeOffset();
        await RunScenarios.Eventually(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > ackBy.AddSeconds(2), TimeSpan.FromSeconds(10));
        Assert.Equal(2, (await Host.Get($"/api/tasks?incident={incident}", Api.Commander)).ReadJson().GetArrayLength());
    }

    [Fact]
    public async Task on_a_restricted_incident_a_responder_without_need_to_know_cannot_even_find_the_task()
    {
        var incident = await Host.DeclareIncident($"restricted {Key}", restricted: true);
        await Host.StartRun(incident, "test-people", new { key = Key });
        var taskId = (await MyTask(Rui, incident))[0].GetProperty("taskId").GetGuid();

        await Host.Post($"/api/tasks/{taskId}/ack", null, Sam, expect: 404);
        Assert.Empty((await Host.Get($"/api/tasks?incident={incident}", Sam)).ReadJson().EnumerateArray());
        await Host.Get($"/api/incidents/{incident}", Rui); // the assignee gained need-to-know with the task
        await Host.Post($"/api/tasks/{taskId}/ack", null, Rui, expect: 204);
    }

    [Fact]
    public async Task my_tasks_page_oldest_first_and_every_task_is_seen_once()
    {
        var incidents = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var incident = await Host.DeclareIncident($"paging {Key} {i}");
            await Host.StartRun(incident, "test-people", new { key = $"{Key}-{i}" });
            incidents.Add(incident);
        }
        foreach (var incident in incidents) await MyTask(Rui, incident);

        var seen = new List<JsonElement>();
        var pages = 0;
        for (var next = "/api/tasks?mine=true&status=open&limit=3"; next is not null; pages++)
        {
            var page = await Host.Get(next, Rui);
            seen.AddRange(page.ReadJson().EnumerateArray());
            var link = page.Context.Response.Headers["Link"].ToString();
            next = link.Length == 0 ? null : link[(link.IndexOf('<') + 1)..link.IndexOf('>')];
        }

        var mine = seen.Where(t => incidents.Contains(t.GetProperty("incidentId").GetGuid())).ToList();
        Assert.Equal(incidents.Order(), mine.Select(t => t.GetProperty("incidentId").GetGuid()).Order());
        Assert.Equal(seen.Count, seen.Select(t => t.GetProperty("taskId").GetGuid()).Distinct().Count());
        Assert.Equal(seen.Select(t => t.GetProperty("openedAt").GetDateTimeOffset()).Order(), seen.Select(t => t.GetProperty("openedAt").GetDateTimeOffset()));
        Assert.True(pages >= 3, $"{seen.Count} tasks came in {pages} pages of 3");
    }

    [Fact]
    public void a_weekly_rotation_hands_off_at_its_start_time()
    {
        var rotation = new Rotation { Members = ["ann", "bob", "cid"], Start = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(1)) };

        Assert.Equal("ann", rotation.OnCallAt(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(1))));
        Assert.Equal("ann", rotation.OnCallAt(new DateTimeOffset(2026, 11, 9, 7, 59, 0, TimeSpan.Zero)));
        Assert.Equal("bob", rotation.OnCallAt(new DateTimeOffset(2026, 11, 9, 8, 0, 0, TimeSpan.Zero)));
        Assert.Equal("ann", rotation.OnCallAt(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1))));
        Assert.Equal("cid", rotation.OnCallAt(new DateTimeOffset(2026, 10, 30, 12, 0, 0, TimeSpan.Zero))); // before the start: turns count backwards
        Assert.Equal("role:responder", new Rotations().Resolve("oncall:nobody", DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task an_approval_not_given_in_time_escalates_to_the_commanders_and_the_run_keeps_waiting()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-approval-due", new { key = Key });

        var overdue = await RunScenarios.Eventually(async () => await Host.Timeline(incident), t => t.Any(e => e.Type == "ApprovalOverdue"));
        Assert.Equal("waiting", (await Host.Run(incident, runId)).Step("approve").Status);
        var told = await RunScenarios.Eventually(() => Task.FromResult(Fixture.Receiver.For($"Approve {Key}", "/notify")),
            r => r.Any(n => n.Body.Contains("Approval overdue")));
        Assert.Contains("0 of 1 approvals", told.First(n => n.Body.Contains("Approval overdue")).Body);

        var approvalId = (await Host.Get($"/api/approvals?incident={incident}", Api.Commander)).ReadJson()[0].GetProperty("approvalId").GetGuid();
        await Host.Post($"/api/approvals/{approvalId}/decision", new { decision = "approve" }, Tokens.For("amy.approver", Roles.Privacy), expect: 204);
        Assert.Equal("succeeded", (await Host.RunEnded(incident, runId)).Status);
        Assert.Single(overdue, e => e.Type == "ApprovalOverdue");
    }

    [Fact]
    public async Task an_unanswered_task_climbs_its_escalation_policy_level_by_level()
    {
        var incident = await Incident();
        await Host.StartRun(incident, "test-escalation-policy", new { key = Key });

        // on call (1 s to acknowledge) -> level 1: the secondary rotation (1 s) -> level 2: the commanders, the last level.
        var tasks = await RunScenarios.Eventually(
            async () => (await Host.Get($"/api/tasks?incident={incident}", Api.Commander)).ReadJson().EnumerateArray().ToList(),
            t => t.Count == 3, TimeSpan.FromSeconds(30));

        Assert.Equal(["escalated", "escalated", "open"], tasks.Select(t => t.GetProperty("status").GetString()));
        Assert.Equal(["oncall:security", "oncall:security-secondary", "role:commander"], tasks.Select(t => t.GetProperty("assignedAs").GetString()));
        Assert.Equal("user:sid.secondary", tasks[1].GetProperty("assignee").GetString());
        Assert.Equal(JsonValueKind.Null, tasks[2].GetProperty("ackBy").ValueKind); // nobody after the last level
        Assert.Equal($"Escalated (not acknowledged by {tasks[1].GetProperty("ackBy").GetDateTimeOffset():O}): Respond ({Key})",
            tasks[2].GetProperty("title").GetString());
        Assert.Equal(2, (await Host.Timeline(incident)).Count(e => e.Type == "TaskEscalated"));
    }

    [Fact]
    public async Task my_work_records_one_read_of_an_incident_whose_task_and_approval_it_shows_together()
    {
        var wendy = Tokens.For("wendy.worker", Roles.Responder);
        var incident = await Host.DeclareIncident($"work once {Key}", restricted: true);
        await Host.StartRun(incident, "test-work-once", new { key = Key });
        await MyTask(wendy, incident);
        await MyApproval(wendy, incident);

        var work = await Host.Scenario(x =>
        {
            x.Get.Url("/work");
            x.WithRequestHeader("Authorization", $"Bearer {wendy}");
        });
        var page = work.ReadAsText();
        Assert.Contains($"Look at {Key}", page);
        Assert.Contains($"Decide on {Key}", page);

        var reads = (await Host.Get($"/api/incidents/{incident}/access-log", Api.Commander)).Read<List<AccessLogEntry>>();
        Assert.Single(reads, r => r.Subject == "wendy.worker" && r.Endpoint == "GET /work");
    }
}
