using System.Text.Json;
using IncidentOrchestrator.FollowUps;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Tracking;

namespace IncidentOrchestrator.Tests.FollowUps;

/// <summary>
/// Follow-ups: created in the review (or by a playbook step), owned by a person, due by the incident's severity, reminded of before they are
/// due, escalated to the commander and then leadership once overdue, and moved to done or won't-do by those who answer for them.
/// </summary>
public sealed class when_follow_ups_are_tracked(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<JsonElement> CreateAsync(Guid incident, object body, string? token = null) =>
        (await Host.Post($"/api/incidents/{incident}/followups", body, token, expect: 201)).ReadJson();

    private async Task<JsonElement> FollowUpAsync(string id, string? token = null) => (await Host.Get($"/api/followups/{id}", token)).ReadJson();

    private Task InvokeAsync(object message) => Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(message);

    [Fact]
    public async Task left_out_the_commander_owns_it_and_its_due_date_and_priority_follow_the_severity()
    {
        var incident = await Host.DeclareIncident(severity: "critical");
        var before = DateTimeOffset.UtcNow;
        var created = await CreateAsync(incident, new { title = "Give hr.employee_activity an owner", tags = new[] { "safeguard" } });
        var followUp = await FollowUpAsync(created.GetProperty("followUpId").GetString()!);

        Assert.Equal("cora.commander", followUp.GetProperty("owner").GetString());
        Assert.Equal("urgent", followUp.GetProperty("priority").GetString());
        Assert.Equal("open", followUp.GetProperty("status").GetString());
        var due = followUp.GetProperty("dueAt").GetDateTimeOffset();
        Assert.InRange(due, before.AddDays(14), DateTimeOffset.UtcNow.AddDays(14));
        Assert.Contains((await Host.Timeline(incident)), t => t.Type == "FollowUpCreated"
                                                            && t.Summary == $"Follow-up for cora.commander, due {due:yyyy-MM-dd}: Give hr.employee_activity an owner");
    }

    [Fact]
    public async Task its_owner_gets_need_to_know_and_moves_it_to_done_and_an_outsider_sees_nothing()
    {
        var incident = await Host.DeclareIncident(restricted: true);
        var id = (await CreateAsync(incident, new { title = "Audit who read the dataset", owner = "user:rui.responder", due = "2030-01-15", priority = "low" }))
            .GetProperty("followUpId").GetString()!;

        var mine = await FollowUpAsync(id, Api.Responder);
        Assert.Equal("Audit who read the dataset", mine.GetProperty("title").GetString());
        Assert.Equal(new DateTimeOffset(2030, 1, 15, 23, 59, 59, TimeSpan.Zero), mine.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Contains("rui.responder", (await Host.Get($"/api/incidents/{incident}")).ReadJson().GetProperty("participants").EnumerateArray()
            .Select(p => p.GetString()));

        await Host.Post($"/api/followups/{id}/status", new { status = "in-progress" }, Api.Responder, expect: 204);
        await Host.Post($"/api/followups/{id}/status", new { status = "done" }, Api.Responder, expect: 204);
        var done = await FollowUpAsync(id);
        Assert.Equal("done", done.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("closedAt").ValueKind);

        // Leadership may not see the restricted incident, so neither its follow-up nor a list that shows it.
        await Host.Get($"/api/followups/{id}", Api.Leadership, expect: 404);
        await Host.Post($"/api/followups/{id}/status", new { status = "open" }, Api.Leadership, expect: 404);
        Assert.DoesNotContain(id, (await Host.Get($"/api/followups?incident={incident}", Api.Leadership)).ReadJson().EnumerateArray()
            .Select(f => f.GetProperty("id").GetString()));
        Assert.Equal(["FollowUpStatusChanged", "FollowUpStatusChanged"],
            (await Host.Timeline(incident)).Where(t => t.Type.StartsWith("FollowUpStatus")).Select(t => t.Type));
    }

    [Fact]
    public async Task wont_do_needs_a_reason_and_bad_input_names_its_field()
    {
        var incident = await Host.DeclareIncident();
        Field(await Host.Post($"/api/incidents/{incident}/followups", new { description = "no title" }, expect: 400), "title");
        Field(await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", owner = "role:responder" }, expect: 400), "owner");
        Field(await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", tags = new[] { "Has Spaces" } }, expect: 400), "tags");
        Field(await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", due = "next week" }, expect: 400), "due");
        Field(await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", due = "2001-01-01" }, expect: 400), "due");
        Field(await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", due = "01/02/2031" }, expect: 400), "due"); // ISO 8601 only
        Field(await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", due = "0d" }, expect: 400), "due");
        Field(await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", priority = "whenever" }, expect: 400), "priority");
        Field(await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", owner = "oncall:nobody-rotation" }, expect: 400), "owner");
        await Host.Post($"/api/incidents/{incident}/followups", new { title = "t" }, Api.Responder, expect: 403);
        await Host.Post($"/api/incidents/{Guid.NewGuid()}/followups", new { title = "t" }, expect: 404);
        Assert.DoesNotContain(await Host.Timeline(incident), t => t.Type == "FollowUpCreated");

        var id = (await CreateAsync(incident, new { title = "Rotate the pipeline's credentials" })).GetProperty("followUpId").GetString()!;
        Field(await Host.Post($"/api/followups/{id}/status", new { status = "wont-do" }, expect: 400), "reason");
        Field(await Host.Post($"/api/followups/{id}/status", new { status = "finished" }, expect: 400), "status");
        await Host.Post($"/api/followups/{id}/status", new { status = "done" }, Api.Responder, expect: 403);
        await Host.Post($"/api/followups/{id}/status", new { status = "wont-do", reason = "The pipeline is retired." }, expect: 204);
        var wontDo = await FollowUpAsync(id);
        Assert.Equal("wont-do", wontDo.GetProperty("status").GetString());
        Assert.Equal("The pipeline is retired.", wontDo.GetProperty("reason").GetString());
        await Host.Get($"/api/followups/{Guid.NewGuid()}", expect: 404);
    }

    [Fact]
    public async Task overdue_it_escalates_to_the_commander_and_then_to_leadership_and_its_owner_was_reminded()
    {
        var incident = await Host.DeclareIncident(severity: "critical");
        var id = (await CreateAsync(incident, new { title = "Write the dataset's allow-list down", owner = "rui.responder", due = "2s" }))
            .GetProperty("followUpId").GetString()!;

        // Its first escalation is a durable timer at its due date.
        var escalated = await RunScenarios.Eventually(() => FollowUpAsync(id), f => f.GetProperty("escalationLevel").GetInt32() == 1,
            TimeSpan.FromSeconds(60));
        Assert.True(escalated.GetProperty("overdue").GetBoolean());
        var first = (await Host.Timeline(incident)).Single(t => t.Type == "FollowUpEscalated");
        Assert.Equal("user:cora.commander", first.Data.GetProperty("to").GetString());

        // The next level (and the reminder) are timers too, days away: delivered here by hand.
        var dueAt = escalated.GetProperty("dueAt").GetDateTimeOffset();
        await InvokeAsync(new FollowUpOverdue(incident, Guid.Parse(id), dueAt, 2));
        await InvokeAsync(new FollowUpOverdue(incident, Guid.Parse(id), dueAt, 2)); // delivered twice: escalated once
        await InvokeAsync(new FollowUpReminderDue(incident, Guid.Parse(id), dueAt));
        await InvokeAsync(new FollowUpReminderDue(incident, Guid.Parse(id), dueAt)); // delivered twice: reminded once
        var timeline = await Host.Timeline(incident);
        Assert.Equal(["user:cora.commander", "role:leadership"],
            timeline.Where(t => t.Type == "FollowUpEscalated").Select(t => t.Data.GetProperty("to").GetString()));
        Assert.Single(timeline, t => t.Type == "FollowUpReminded");
        Assert.Equal(2, (await FollowUpAsync(id)).GetProperty("escalationLevel").GetInt32());

        // Done, its timers find nothing to do; overdue lists no longer show it.
        await Host.Post($"/api/followups/{id}/status", new { status = "done" }, Api.Responder, expect: 204);
        var other = (await CreateAsync(incident, new { title = "Another" })).GetProperty("followUpId").GetString()!;
        await InvokeAsync(new FollowUpReminderDue(incident, Guid.Parse(id), dueAt));
        Assert.Single(await Host.Timeline(incident), t => t.Type == "FollowUpReminded");
        var overdue = (await Host.Get($"/api/followups?incident={incident}&overdue=true")).ReadJson();
        Assert.Empty(overdue.EnumerateArray());
        Assert.Equal([id, other], (await Host.Get($"/api/followups?incident={incident}")).ReadJson().EnumerateArray().Select(f => f.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task only_a_commander_gives_an_owner_need_to_know()
    {
        var incident = await Host.DeclareIncident(restricted: true);
        await Host.Post($"/api/incidents/{incident}/participants", new { subject = "rui.responder" }, expect: 204);
        // A participant who does not command may hand a follow-up to another participant, not to someone outside the incident.
        var outsider = (await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", owner = "sam.outsider" }, Api.Responder, expect: 403))
            .Read<ProblemView>();
        Assert.Contains("only a commander", outsider.Detail);
        await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", owner = "cora.commander" }, Api.Responder, expect: 201);
        await Host.Post($"/api/incidents/{incident}/followups", new { title = "t", owner = "sam.outsider" }, expect: 201);
        var joined = (await Host.Timeline(incident)).Where(t => t.Type == "ParticipantAdded").Select(t => (t.Data.GetProperty("subject").GetString(), t.Actor));
        Assert.Contains(("sam.outsider", "cora.commander"), joined);
    }

    [Fact]
    public async Task the_list_filters_pages_and_says_whose()
    {
        var incident = await Host.DeclareIncident(severity: "medium");
        var a = (await CreateAsync(incident, new { title = "a", owner = "rui.responder", due = "3d", tags = new[] { "safeguard" } })).GetProperty("followUpId").GetString();
        var b = (await CreateAsync(incident, new { title = "b", due = "4d" })).GetProperty("followUpId").GetString();
        var c = (await CreateAsync(incident, new { title = "c", owner = "rui.responder", due = "5d" })).GetProperty("followUpId").GetString();

        var mine = (await Host.Get($"/api/followups?incident={incident}&owner=me", Api.Responder)).ReadJson().EnumerateArray().Select(f => f.GetProperty("id").GetString());
        Assert.Equal([a, c], mine);
        Assert.Equal([a], (await Host.Get($"/api/followups?incident={incident}&tag=safeguard")).ReadJson().EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        Assert.Empty((await Host.Get($"/api/followups?incident={incident}&severity=critical")).ReadJson().EnumerateArray());

        var page = await Host.Get($"/api/followups?incident={incident}&limit=2");
        Assert.Equal([a, b], page.ReadJson().EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        var next = page.Context.Response.Headers["Link"].ToString();
        var nextUrl = next[(next.IndexOf('<') + 1)..next.IndexOf('>')];
        Assert.Equal([c], (await Host.Get(nextUrl)).ReadJson().EnumerateArray().Select(f => f.GetProperty("id").GetString()));

        Field(await Host.Get("/api/followups?status=finished", expect: 400), "status");
        Field(await Host.Get("/api/followups?severity=huge", expect: 400), "severity");
        Assert.Equal(3, (await Host.Get($"/api/incidents/{incident}/followups")).ReadJson().GetArrayLength());
    }

    [Fact]
    public async Task leaderships_figures_count_only_the_follow_ups_of_incidents_the_viewer_may_see()
    {
        async Task<JsonElement> CriticalAsync(string token) => (await Host.Get("/api/metrics/followups", token)).ReadJson().GetProperty("bySeverity")
            .EnumerateArray().Single(s => s.GetProperty("severity").GetString() == "critical");
        async Task<int> DoneLateAsync() => (await Host.Get("/api/metrics/followups", Api.Leadership)).ReadJson().GetProperty("months").EnumerateArray()
            .Where(m => m.GetProperty("month").GetString() == DateTimeOffset.UtcNow.ToString("yyyy-MM")).Sum(m => m.GetProperty("doneLate").GetInt32());
        var doneLateBefore = await DoneLateAsync();
        var lenaBefore = await CriticalAsync(Api.Leadership);
        var coraBefore = await CriticalAsync(Api.Commander);

        var restricted = await Host.DeclareIncident(severity: "critical", restricted: true);
        await CreateAsync(restricted, new { title = "Restricted one", due = "1s" });

        var cora = await RunScenarios.Eventually(() => CriticalAsync(Api.Commander),
            c => c.GetProperty("overdue").GetInt32() == coraBefore.GetProperty("overdue").GetInt32() + 1);
        Assert.Equal(coraBefore.GetProperty("open").GetInt32() + 1, cora.GetProperty("open").GetInt32());
        Assert.Equal(coraBefore.GetProperty("overdueUnder7Days").GetInt32() + 1, cora.GetProperty("overdueUnder7Days").GetInt32());
        var lena = await CriticalAsync(Api.Leadership);
        Assert.Equal(lenaBefore.GetProperty("open").GetInt32(), lena.GetProperty("open").GetInt32());
        Assert.Equal(lenaBefore.GetProperty("overdue").GetInt32(), lena.GetProperty("overdue").GetInt32());

        // Due this month: pending now; done after its due date, it counts as done late.
        var open = await Host.DeclareIncident(severity: "critical");
        var late = (await CreateAsync(open, new { title = "Open one", due = "1s" })).GetProperty("followUpId").GetString()!;
        await RunScenarios.Eventually(() => FollowUpAsync(late), f => f.GetProperty("overdue").GetBoolean());
        await Host.Post($"/api/followups/{late}/status", new { status = "done" }, expect: 204);
        Assert.Equal(doneLateBefore + 1, await DoneLateAsync());
        await Host.Get("/api/metrics/followups", Api.Responder, expect: 403);
        await Host.Get("/api/metrics/followups?from=yesterday", Api.Leadership, expect: 400);
    }

    private static void Field(Alba.IScenarioResult result, string field) => Assert.Contains(field, result.Read<ProblemView>().Errors!.Keys);
}

/// <summary><c>followup.create</c>: a playbook step creates a follow-up by the same rule as a person, once.</summary>
public sealed class when_a_playbook_creates_a_follow_up(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task a_playbook_step_creates_one_follow_up_however_often_it_runs()
    {
        var incident = await Host.DeclareIncident(severity: "critical");
        var run = await Host.StartRun(incident, "test-followup", new { owner = "rui.responder" });
        var ended = await Host.RunEnded(incident, run);
        Assert.Equal("succeeded", ended.Status);

        var followUps = (await Host.Get($"/api/incidents/{incident}/followups")).ReadJson();
        var only = Assert.Single(followUps.EnumerateArray());
        Assert.Equal("rui.responder", only.GetProperty("owner").GetString());
        Assert.Equal(["safeguard", "programme:ai-training"], only.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.StartsWith("playbook:", only.GetProperty("createdBy").GetString());

        // The same step again (a retry, a redelivery): the follow-up it made is found, nothing more is recorded.
        var action = Host.Services.GetServices<IncidentOrchestrator.Actions.IAction>().Single(a => a.Descriptor.Name == "followup.create");
        var store = Host.Services.GetRequiredService<Marten.IDocumentStore>();
        await using var session = store.LightweightSession();
        var context = new IncidentOrchestrator.Actions.ActionContext(incident, run, "tighten-acl", 2,
            IncidentOrchestrator.Actions.ActionExecution.KeyFor(incident, run, "tighten-acl", false),
            new Dictionary<string, object?> { ["title"] = "Tighten the dataset's ACL", ["owner"] = "rui.responder", ["due"] = "10d" }, session,
            DateTimeOffset.UtcNow, []) { Incident = await session.LoadAsync<IncidentOrchestrator.Incidents.Incident>(incident) };
        var again = await action.ExecuteAsync(context, CancellationToken.None);
        Assert.Equal(only.GetProperty("id").GetString(), again.Outputs["followUpId"]);
        Assert.Empty(context.IncidentEvents);
    }
}

/// <summary><c>followups.done</c>: a run waits for the incident's follow-ups with given tags to be settled, then records which.</summary>
public sealed class when_a_run_waits_for_follow_ups(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task resumption_waits_until_the_safeguards_are_done_and_the_approvers_see_what_will_not_be()
    {
        var incident = await Host.DeclareIncident(severity: "critical");
        var run = await Host.StartRun(incident, "test-followups-gate", new { key = Key });
        var followUps = await RunScenarios.Eventually(async () => (await Host.Get($"/api/incidents/{incident}/followups")).ReadJson(), f => f.GetArrayLength() == 3);
        string IdOf(string title) => followUps.EnumerateArray().Single(f => f.GetProperty("title").GetString()!.StartsWith(title)).GetProperty("id").GetString()!;
        await RunScenarios.Eventually(() => Host.Run(incident, run), r => r.Steps.Any(s => s.Id == "safeguards-done" && s.Status == "running"));

        // While a safeguard is still open, each follow-up that moves wakes the step, which looks and goes on waiting.
        await Host.Post($"/api/followups/{IdOf("Allow-list")}/status", new { status = "done" }, expect: 204);
        await Host.Post($"/api/followups/{IdOf("Unrelated")}/status", new { status = "done" }, expect: 204);
        var lastMoved = DateTimeOffset.UtcNow;
        await Host.Post($"/api/followups/{IdOf("Audit")}/status", new { status = "wont-do", reason = "the audit table already exists" }, expect: 204);

        var waiting = await RunScenarios.Eventually(() => Host.Run(incident, run), r => r.Steps.Any(s => s.Id == "approve-resume" && s.Status == "waiting"));
        var gate = waiting.Steps.Single(s => s.Id == "safeguards-done");
        Assert.Equal("succeeded", gate.Status);
        Assert.True(gate.EndedAt >= lastMoved, $"the step ended at {gate.EndedAt:O}, before the last safeguard was settled at {lastMoved:O}");
        var settled = (await Host.Timeline(incident)).Single(t => t.Type == "FollowUpsSettled");
        Assert.Equal("Every follow-up tagged safeguard is settled: 1 done, 1 will not be done (for the approvers to weigh)", settled.Summary);
        // the approval is opened by a message the step's turn sends, so it can follow the step's waiting by a moment
        var approval = (await RunScenarios.Eventually(async () => (await Host.Get($"/api/approvals?incident={incident}", Api.Admin)).ReadJson(),
            a => a.GetArrayLength() == 1))[0];
        Assert.Equal($"Resume? 2 safeguards, won't do: {IdOf("Audit")}", approval.GetProperty("title").GetString());
    }
}
