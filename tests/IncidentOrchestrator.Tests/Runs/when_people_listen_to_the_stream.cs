using System.Net.Http.Headers;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_people_listen_to_the_stream(RunsFixture fixture) : RunContext(fixture)
{
    /// <summary>Reads server-sent events as (event, data) pairs.</summary>
    private sealed class EventStream(StreamReader reader) : IDisposable
    {
        public async Task<(string Event, string Data)> NextAsync(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            string? name = null, data = null;
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
                if (line.StartsWith("event: ")) name = line[7..];
                else if (line.StartsWith("data: ")) data = line[6..];
                else if (line.Length == 0 && data is not null) return (name ?? "message", data);
            }
        }

        public void Dispose() => reader.Dispose();
    }

    private async Task<EventStream> Listen(string token)
    {
        var client = Host.Server.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = new EventStream(new StreamReader(await response.Content.ReadAsStreamAsync()));
        Assert.Equal("connected", (await stream.NextAsync(TimeSpan.FromSeconds(10))).Event);
        return stream;
    }

    [Fact]
    public async Task a_task_reaches_its_assignee_and_not_an_unrelated_responder()
    {
        using var rui = await Listen(Tokens.For("rui.responder", Roles.Responder));
        using var sam = await Listen(Tokens.For("sam.responder", Roles.Responder));

        var incident = await Incident();
        await Host.StartRun(incident, "test-people", new { key = Key });
        var (kind, data) = await rui.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("task", kind);
        Assert.Contains($"Find who read the data ({Key})", data);
        Assert.Contains($"/api/incidents/{incident}", data);

        // A task for all responders follows; it is the first thing Sam hears, so he never heard Rui's.
        await Host.StartRun(incident, "test-escalation", new { key = Key });
        var first = await sam.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("task", first.Event);
        Assert.Contains($"Respond quickly ({Key})", first.Data);
    }

    [Fact]
    public async Task notifications_also_go_to_the_configured_chat_channel_signed_and_slack_shaped()
    {
        var incident = await Incident();
        await Host.StartRun(incident, "test-people", new { key = Key });

        var posted = await RunScenarios.Eventually(() => Task.FromResult(Fixture.Receiver.For(Key, "/notify")), r => r.Count > 0);

        var text = System.Text.Json.JsonDocument.Parse(posted[0].Body).RootElement.GetProperty("text").GetString();
        Assert.StartsWith($"*[task]* Find who read the data ({Key})", text);
        Assert.Contains($"/api/incidents/{incident}", text);
        Assert.StartsWith("t=", posted[0].Signature);
    }

    [Fact]
    public async Task a_restricted_incident_is_not_told_to_shared_channels()
    {
        var accepted = await Host.SendSignal(Scenarios.Signal($"fp-{Key}", type: "test.trigger", attributes: new { key = Key }));
        await Host.RunEnded(accepted.IncidentId, accepted.RunIds.Single());
        await Host.StartRun(await Incident(), "test-people", new { key = Key + "-open" }); // an open incident's notification arrives after

        await RunScenarios.Eventually(() => Task.FromResult(Fixture.Receiver.For(Key + "-open", "/notify")), r => r.Count > 0);
        Assert.DoesNotContain(Fixture.Receiver.Requests, r => r.Path == "/notify" && r.Body.Contains("test-triggered"));
    }

    [Fact]
    public async Task the_stream_needs_a_token()
    {
        var response = await Host.Server.CreateClient().GetAsync("/api/stream");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
