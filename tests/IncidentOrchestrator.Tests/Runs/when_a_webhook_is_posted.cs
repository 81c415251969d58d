using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Tests.Fixtures;
using Wolverine.Tracking;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_a_webhook_is_posted(RunsFixture fixture) : RunContext(fixture)
{
    private WebhookReceiver Receiver => Fixture.Receiver;

    [Fact]
    public async Task it_is_signed_and_keeps_one_idempotency_key_across_retries()
    {
        Receiver.RefuseFirst(Key, 2);
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-webhook", new { key = Key }));

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(3, run.Step("notify-hook").Attempts);
        Assert.Equal(200, run.Step("notify-hook").Outputs.GetProperty("status").GetInt32());
        var received = Receiver.For(Key);
        Assert.Equal([500, 500, 200], received.Select(r => r.Status));
        Assert.Single(received.Select(r => r.IdempotencyKey).Distinct());
        Assert.All(received, r => Assert.True(SignatureHolds(r), $"bad signature {r.Signature}"));
        var body = JsonDocument.Parse(received[^1].Body).RootElement;
        Assert.Equal(incident.ToString(), body.GetProperty("incident").GetString());
        Assert.Equal("high", body.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task a_redelivered_step_does_not_post_again()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-webhook", new { key = Key });
        await Host.RunEnded(incident, runId);
        Assert.Single(Receiver.For(Key));

        // The same attempt arrives again, as after a crash between the POST and the acknowledgement.
        var redelivered = new ExecuteAction(incident, runId, "notify-hook", 1, false, "webhook.post",
            new() { ["endpoint"] = JsonSerializer.SerializeToElement("test-receiver"), ["body"] = JsonSerializer.SerializeToElement(new { key = Key }) }, null);
        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(redelivered);

        Assert.Single(Receiver.For(Key));
        Assert.Equal("succeeded", (await Host.Run(incident, runId)).Status);
    }

    [Fact]
    public async Task an_endpoint_that_is_not_configured_fails_clearly()
    {
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-webhook", new { key = Key, endpoint = "http://169.254.169.254/latest" }));

        Assert.Equal("failed", run.Status);
        Assert.Equal("no webhook endpoint named 'http://169.254.169.254/latest' is configured (Webhooks__Endpoints__http://169.254.169.254/latest__Url)",
            run.Step("notify-hook").Error);
    }

    private static bool SignatureHolds(WebhookReceiver.Received r)
    {
        var parts = r.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookReceiver.Secret),
            Encoding.UTF8.GetBytes($"{parts["t"]}.{r.Body}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts["v1"]));
    }
}
