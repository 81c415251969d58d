using System.Net;
using System.Text.Json;
using Alba;
using IncidentOrchestrator.Integrations;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Integrations;

/// <summary>
/// The Acknowledge and Approve buttons of our Slack messages come back signed by Slack; the request is verified, the Slack
/// user mapped to a person here, and exactly the API's rules apply. Forged, stale, replayed and unknown requests change nothing.
/// </summary>
[Collection(ChannelsCollection.Name)]
public sealed class when_people_answer_in_slack(ChannelsFixture fixture)
{
    private IAlbaHost Host => fixture.Host;
    private readonly string _key = Guid.NewGuid().ToString("N")[..10];
    private static readonly string Rui = ChannelsFixture.Rui;

    private Task<(Guid Incident, Guid Task)> TaskOn() => fixture.TaskOnAsync($"Slack {_key}", _key);

    /// <summary>A block_actions request as Slack sends it: a form with a JSON payload, signed over its timestamp and body.</summary>
    private Task<IScenarioResult> Press(string user, string actionId, Guid value, int expect, DateTimeOffset? at = null, string? secret = null,
        string? replay = null) => Host.Scenario(x =>
    {
        var body = replay ?? SlackPress.Body(user, actionId, value.ToString());
        var (timestamp, signature) = SlackPress.Signed(secret ?? ChannelsFixture.SlackSecret, body, at ?? DateTimeOffset.UtcNow);
        x.Post.Text(body).ToUrl(SlackPress.Path).ContentType("application/x-www-form-urlencoded");
        x.WithRequestHeader("X-Slack-Request-Timestamp", timestamp);
        x.WithRequestHeader("X-Slack-Signature", signature);
        x.StatusCodeShouldBe(expect);
    });

    private async Task<string> TaskStatus(Guid incident) =>
        (await Host.Get($"/api/tasks?incident={incident}", Rui)).ReadJson()[0].GetProperty("status").GetString()!;

    [Fact]
    public async Task the_assignee_acknowledges_the_task_with_the_button()
    {
        var (incident, task) = await TaskOn();

        var answer = (await Press("U0RUI", "task.acknowledge", task, 200)).ReadJson();

        Assert.Equal("Acknowledged", answer.GetProperty("message").GetString());
        Assert.Equal("acknowledged", await TaskStatus(incident));
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "TaskAcknowledged" && t.Actor == "rui.responder");
    }

    [Fact]
    public async Task a_slack_users_roles_are_read_as_a_tokens_and_the_operations_own_roles_apply()
    {
        var (incident, task) = await TaskOn();

        // scan.bot only ingests: acknowledging is not for its role, whoever the task is for; refused, recorded, nothing changes.
        var refused = (await Press("U0BOT", "task.acknowledge", task, 403)).Read<ProblemView>();
        Assert.Contains("roles do not allow acknowledging tasks", refused.Detail);
        Assert.Equal("open", await TaskStatus(incident));
        var refusals = (await Host.Get("/api/integrations/refusals", Api.Admin)).ReadJson();
        Assert.Contains(refusals.EnumerateArray(), r => r.GetProperty("user").GetString() == "U0BOT");

        // rui mapped by a group only: the group gives the responder role, as it does at sign-in, and the assignee acknowledges.
        await Press("U0RUIG", "task.acknowledge", task, 200);
        Assert.Equal("acknowledged", await TaskStatus(incident));
    }

    [Fact]
    public async Task slack_is_held_to_the_apis_rules()
    {
        var (incident, task) = await TaskOn();

        var notYours = (await Press("U0SAM", "task.acknowledge", task, 403)).Read<ProblemView>();
        Assert.Equal("Not your task", notYours.Title);
        Assert.Equal("open", await TaskStatus(incident));

        await Host.Post($"/api/tasks/{task}/complete", new { outputs = new { found = "two readers" } }, Rui, expect: 204);
        var approvals = await RunScenarios.Eventually(async () => (await Host.Get($"/api/approvals?incident={incident}", Api.Admin)).ReadJson(),
            a => a.GetArrayLength() > 0);
        var approval = approvals[0].GetProperty("approvalId").GetGuid();
        // The button that comes back here is the one the Slack message carried.
        var message = (await RunScenarios.Eventually(() => Task.FromResult(fixture.Receiver.For($"Approve closing ({_key})", "/channels/slack")), r => r.Count > 0))[0];
        var button = JsonDocument.Parse(message.Body).RootElement.GetProperty("blocks").EnumerateArray()
            .Single(b => b.GetProperty("type").GetString() == "actions").GetProperty("elements")[0];
        Assert.Equal(("approval.approve", approval.ToString()), (button.GetProperty("action_id").GetString(), button.GetProperty("value").GetString()));
        var ownRun = (await Press("U0CORA", "approval.approve", approval, 403)).Read<ProblemView>(); // cora started the run
        Assert.Equal("Separation of duties", ownRun.Title);

        await Press("U0LENA", "approval.approve", approval, 200);
        var decided = (await Host.Get($"/api/approvals?incident={incident}", Api.Admin)).ReadJson()[0];
        Assert.Equal("approved", decided.GetProperty("outcome").GetString());
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "ApprovalDecided" && t.Actor == "lena.leadership");
    }

    [Fact]
    public async Task a_forged_a_stale_a_replayed_or_an_unknown_request_is_refused_recorded_and_changes_nothing()
    {
        var (incident, task) = await TaskOn();

        await Press("U0RUI", "task.acknowledge", task, 401, secret: "not-the-signing-secret");
        await Press("U0RUI", "task.acknowledge", task, 401, at: DateTimeOffset.UtcNow.AddMinutes(-6));
        await Press("U0NOBODY", "task.acknowledge", task, 403);
        Assert.Equal("open", await TaskStatus(incident));

        // The same signed request twice: the second is a replay, even though the first was fine.
        var at = DateTimeOffset.UtcNow;
        var body = "payload=" + Uri.EscapeDataString(JsonSerializer.Serialize(new
        {
            type = "block_actions", user = new { id = "U0RUI" }, actions = new[] { new { action_id = "task.acknowledge", value = task.ToString() } },
        }));
        await Press("U0RUI", "task.acknowledge", task, 200, at: at, replay: body);
        await Press("U0RUI", "task.acknowledge", task, 401, at: at, replay: body);

        var refusals = (await Host.Get("/api/integrations/refusals?limit=50", Api.Admin)).ReadJson().EnumerateArray()
            .Select(r => r.GetProperty("reason").GetString()).ToList();
        Assert.Contains("the signature does not match", refusals);
        Assert.Contains("the request is more than five minutes old", refusals);
        Assert.Contains("the Slack user is not mapped to anyone here", refusals);
        Assert.Contains("the request was already played", refusals);
        await Host.Get("/api/integrations/refusals", Rui, expect: (int)HttpStatusCode.Forbidden);
    }
}
