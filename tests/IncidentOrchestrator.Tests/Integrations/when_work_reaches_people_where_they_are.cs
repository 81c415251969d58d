using System.Text.Json;
using Alba;
using Wolverine.Tracking;
using IncidentOrchestrator.Notifications;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Integrations;

/// <summary>
/// A task, an approval and their outcomes reach Slack, Teams, PagerDuty, a webhook and email, each in its vendor's documented
/// shape, routed by kind and severity; a restricted incident never shows its details on any of them.
/// </summary>
[Collection(ChannelsCollection.Name)]
public sealed class when_work_reaches_people_where_they_are(ChannelsFixture fixture)
{
    private IAlbaHost Host => fixture.Host;
    private WebhookReceiver Receiver => fixture.Receiver;
    private readonly string _key = Guid.NewGuid().ToString("N")[..10];
    private static readonly string Rui = ChannelsFixture.Rui;

    private Task<(Guid Incident, Guid Task)> TaskOn(string severity = "high", bool restricted = false) =>
        fixture.TaskOnAsync($"Exposure {_key}", _key, severity, restricted);

    private Task<IReadOnlyList<WebhookReceiver.Received>> Delivered(string channel, string marker, int count = 1) =>
        RunScenarios.Eventually(() => Task.FromResult(Receiver.For(marker, $"/channels/{channel}")), r => r.Count >= count);

    private static JsonElement Json(WebhookReceiver.Received r) => JsonDocument.Parse(r.Body).RootElement;

    [Fact]
    public async Task a_task_reaches_each_channel_in_its_vendors_format()
    {
        var (incident, task) = await TaskOn();

        // Slack Block Kit: a fallback text, a header, the ask, the facts, and the buttons.
        var slack = Json((await Delivered("slack", _key))[0]);
        Assert.Contains($"Look into it ({_key})", slack.GetProperty("text").GetString());
        var blocks = slack.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.All(blocks, b => Assert.Contains(b.GetProperty("type").GetString(), new[] { "header", "section", "actions", "context" }));
        var fields = blocks.Single(b => b.TryGetProperty("fields", out _)).GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("text").GetString()).ToList();
        Assert.Contains(fields, f => f!.StartsWith("*Incident*") && f.Contains($"{ChannelsFixture.ConsoleUrl}/incidents/{incident}"));
        Assert.Contains("*Severity*\nhigh", fields);
        var buttons = blocks.Single(b => b.GetProperty("type").GetString() == "actions").GetProperty("elements").EnumerateArray().ToList();
        Assert.All(buttons, b => Assert.Equal("button", b.GetProperty("type").GetString()));
        Assert.Equal(task.ToString(), buttons.Single(b => b.GetProperty("action_id").GetString() == "task.acknowledge").GetProperty("value").GetString());
        Assert.Equal($"{ChannelsFixture.ConsoleUrl}/incidents/{incident}", buttons.Single(b => b.TryGetProperty("url", out _)).GetProperty("url").GetString());

        // A Teams workflow message: one Adaptive Card.
        var teams = Json((await Delivered("teams", _key))[0]);
        Assert.Equal("message", teams.GetProperty("type").GetString());
        var attachment = teams.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        Assert.Equal("TextBlock", card.GetProperty("body")[0].GetProperty("type").GetString());
        Assert.Contains(card.GetProperty("body").EnumerateArray(), b => b.GetProperty("type").GetString() == "FactSet");
        Assert.Equal("Action.OpenUrl", card.GetProperty("actions")[0].GetProperty("type").GetString());

        // PagerDuty Events v2: a trigger with a dedup_key stable for this task.
        var page = Json((await Delivered("pagerduty", _key))[0]);
        Assert.Equal(ChannelsFixture.RoutingKey, page.GetProperty("routing_key").GetString());
        Assert.Equal("trigger", page.GetProperty("event_action").GetString());
        Assert.Equal($"incident-orchestrator:{task}", page.GetProperty("dedup_key").GetString());
        var payload = page.GetProperty("payload");
        Assert.Equal("error", payload.GetProperty("severity").GetString()); // high
        Assert.False(string.IsNullOrEmpty(payload.GetProperty("summary").GetString()));
        Assert.False(string.IsNullOrEmpty(payload.GetProperty("source").GetString()));
        Assert.True(DateTimeOffset.TryParse(payload.GetProperty("timestamp").GetString(), out _));

        // A webhook: signed, with an idempotency key.
        var hook = (await Delivered("webhook", _key))[0];
        var signature = hook.Signature!;
        var t = long.Parse(signature.Split(',')[0][2..]);
        Assert.Equal($"t={t},v1={IncidentOrchestrator.Actions.Webhooks.PostWebhook.Sign(WebhookReceiver.Secret, t, hook.Body)}", signature);
        Assert.True(Guid.TryParse(hook.IdempotencyKey, out _));
        Assert.Equal(task, Json(hook).GetProperty("workId").GetGuid());

        // Email: a plain-text and an HTML part.
        var mail = await RunScenarios.Eventually(() => Task.FromResult(fixture.Mail.Where(m => m.Subject.Contains(_key)).ToList()), m => m.Count > 0);
        Assert.Equal(ChannelsFixture.MailTo, mail[0].ToAddresses.Single().Address);
        Assert.Contains(mail[0].MessageParts, p => p.HeaderData.Contains("text/plain") && p.BodyData.Contains($"Look into it ({_key})"));
        Assert.Contains(mail[0].MessageParts, p => p.HeaderData.Contains("text/html") && p.BodyData.Contains($"/incidents/{incident}"));
    }

    private Task<IReadOnlyList<string?>> Pages(Guid work, int count) =>
        RunScenarios.Eventually(() => Task.FromResult<IReadOnlyList<string?>>(Receiver.For($"incident-orchestrator:{work}", "/channels/pagerduty")
            .Where(r => r.Status == 202).Select(r => Json(r).GetProperty("event_action").GetString()).ToList()), p => p.Count >= count);

    [Fact]
    public async Task acknowledging_the_task_acknowledges_the_page_and_completing_it_resolves_it()
    {
        var (_, task) = await TaskOn();
        Assert.Equal(["trigger"], await Pages(task, 1));

        await Host.Post($"/api/tasks/{task}/ack", null, Rui, expect: 204);
        Assert.Equal(["trigger", "acknowledge"], await Pages(task, 2));
        await Host.Post($"/api/tasks/{task}/complete", new { outputs = new { found = "two readers" } }, Rui, expect: 204);
        Assert.Equal(["trigger", "acknowledge", "resolve"], await Pages(task, 3));
        Assert.All(Receiver.For($"incident-orchestrator:{task}", "/channels/pagerduty"),
            p => Assert.Equal($"incident-orchestrator:{task}", Json(p).GetProperty("dedup_key").GetString()));
    }

    [Fact]
    public async Task a_page_whose_delivery_is_overtaken_by_the_work_being_done_is_not_sent_late()
    {
        Receiver.RefuseFirst("pagerduty", $"Look into it ({_key})", 1); // the trigger fails once and is retried a second later
        var (_, task) = await TaskOn();
        await RunScenarios.Eventually(() => Task.FromResult(Receiver.For($"Look into it ({_key})", "/channels/pagerduty")), r => r.Count > 0);
        await Host.Post($"/api/tasks/{task}/complete", new { outputs = new { found = "done before the page" } }, Rui, expect: 204);

        Assert.Equal(["resolve"], await Pages(task, 1));
        await Task.Delay(TimeSpan.FromSeconds(3)); // past the retry of the refused trigger
        Assert.Equal(["resolve"], await Pages(task, 1)); // the late trigger was dropped: nobody is paged for finished work
    }

    [Fact]
    public async Task a_channel_that_fails_is_tried_again_with_the_same_idempotency_key()
    {
        Receiver.RefuseFirst("webhook", $"Look into it ({_key})", 1);
        await TaskOn();

        var deliveries = await RunScenarios.Eventually(() => Task.FromResult(Receiver.For($"Look into it ({_key})", "/channels/webhook")),
            r => r.Any(d => d.Status == 200), within: TimeSpan.FromSeconds(20));
        Assert.Equal([500, 200], deliveries.Select(d => d.Status));
        Assert.Single(deliveries.Select(d => d.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task a_restricted_incident_never_shows_its_details_on_a_channel()
    {
        var (incident, task) = await TaskOn(restricted: true);
        var link = $"{ChannelsFixture.ConsoleUrl}/incidents/{incident}";

        var outbound = new List<string>();
        foreach (var channel in new[] { "slack", "teams", "pagerduty", "webhook", "slack-titles" })
            outbound.Add((await RunScenarios.Eventually(() => Task.FromResult(Receiver.Requests.Where(r => r.Path == $"/channels/{channel}" && r.Body.Contains(link)).ToList()),
                r => r.Count > 0))[0].Body);
        var mail = await RunScenarios.Eventually(() => Task.FromResult(fixture.Mail.Where(m => m.MessageParts.Any(p => p.BodyData.Contains(link))).ToList()),
            m => m.Count > 0);
        outbound.AddRange(mail[0].MessageParts.Select(p => p.BodyData).Append(mail[0].Subject));

        Assert.All(outbound, body => Assert.DoesNotContain($"Look into it ({_key})", body)); // what is asked
        Assert.All(outbound.Take(4).Concat(outbound.Skip(5)), body => Assert.DoesNotContain($"Exposure {_key}", body)); // the title
        Assert.All(outbound.Take(5), body => Assert.Contains("A restricted incident needs you", body));
        Assert.Contains($"Exposure {_key}", outbound[4]); // the channel allowed to show restricted titles shows the title, nothing more
        Assert.DoesNotContain("\"high\"", outbound[3]); // nor the severity
        Assert.Equal(task.ToString(), Json(Receiver.For(link, "/channels/slack")[0]).GetProperty("blocks").EnumerateArray()
            .Single(b => b.GetProperty("type").GetString() == "actions").GetProperty("elements")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task channels_take_only_the_kinds_and_severities_they_are_routed()
    {
        var (incident, task) = await TaskOn(severity: "low");
        await Delivered("slack", _key);
        // Every message the completion leads to is handled before this returns: the approval that follows, its routing
        // to the channels and each channel's delivery. So what did not arrive was not sent, rather than not sent yet.
        var completion = await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30))
            .DoNotAssertOnExceptionsDetected() // the host is shared: another test's failure is not this one's; the routes below are asserted
            .ExecuteAndWaitAsync((Wolverine.IMessageContext _) =>
            Host.Post($"/api/tasks/{task}/complete", new { outputs = new { found = "nothing" } }, Rui, expect: 204));

        var approval = completion.Sent.MessagesOf<DeliverNotification>()
            .Where(d => d.Notification.IncidentId == incident && d.Notification.Title.Contains($"Approve closing ({_key})")).ToList();
        // Not teams (below its minimum severity), nor slack-titles or mail (they take tasks only).
        Assert.Equal(["hook", "pager", "slack"], approval.Select(d => d.Channel).Order());
        await Delivered("slack", $"Approve closing ({_key})");
        Assert.Empty(Receiver.For($"Approve closing ({_key})", "/channels/teams"));
        Assert.Empty(Receiver.For($"Approve closing ({_key})", "/channels/slack-titles"));
        Assert.DoesNotContain(fixture.Mail, m => m.Subject.Contains($"Approve closing ({_key})"));
    }
}
