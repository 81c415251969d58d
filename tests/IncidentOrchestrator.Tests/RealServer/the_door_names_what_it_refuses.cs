using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.RealServer;

/// <summary>
/// What a client gets wrong is refused at the door with a 400 that names the field, changes nothing, and is a warning in
/// the log, not an error: a NUL wherever text comes in, JSON that is broken or does not fit. Asked of the published service.
/// </summary>
[Collection(PublishedServiceCollection.Name)]
public sealed class the_door_names_what_it_refuses(PublishedServiceFixture service)
{
    private readonly HttpClient _http = service.Client(PublishedServiceFixture.Everything);
    private readonly int _logFrom = service.Log.Length; // xunit makes an instance per test: where this test's log begins

    [Theory]
    [InlineData("/api/playbooks/privacy-notification/diff?from=%00", "from")]
    [InlineData("/api/incidents?q=a%00b", "q")]
    [InlineData("/api/incidents/01a2b3c4-0000-7000-8000-000000000000/timeline?actor=%00", "actor")]
    public async Task a_nul_in_a_query_value(string path, string field) =>
        await RefusedAsync(await _http.GetAsync(path), field, "NUL");

    [Theory]
    [InlineData("""{"source":"s","type":"t","severity":"high","fingerprint":"f","title":"a\u0000b"}""", "title", "NUL")]
    [InlineData("""{"source":"s","type":"t","severity":"high","fingerprint":"f","attributes":{"dataset":"x\u0000"}}""", "attributes.dataset", "NUL")]
    [InlineData("""{"source":"s","type":"t","severity":"high","fingerprint":"f","attributes":{"k\u0000":"v"}}""", "attributes.k?", "NUL")]
    [InlineData("""{"source":"s","type":5,"severity":"high","fingerprint":"f"}""", "type", "type this field takes")]
    [InlineData("""{"source":"s","type":"t","severity":"high","fingerprint":"f","incidentId":"x"}""", "incidentId", "Not a field")]
    [InlineData("""{"source":"s","type":"t",""", "$", "Not valid JSON at line 1")]
    public async Task a_signal_that_cannot_be_stored_or_read(string body, string field, string says)
    {
        var fingerprintsBefore = await IncidentCountAsync();
        await RefusedAsync(await _http.PostAsync("/api/signals", new StringContent(body, Encoding.UTF8, "application/json")), field, says);
        Assert.Equal(fingerprintsBefore, await IncidentCountAsync());
    }

    [Fact]
    public async Task a_body_that_starts_with_a_byte_order_mark_is_read_as_json()
    {
        var body = "\uFEFF" + JsonSerializer.Serialize(new { source = "s", type = "bom.test", severity = "low", fingerprint = $"bom-{Guid.NewGuid():N}" });
        using var response = await _http.PostAsync("/api/signals", new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", "application/json" } } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task a_nul_in_a_cloudevents_binary_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/signals/cloudevents")
        {
            Content = new ByteArrayContent([(byte)'a', 0, (byte)'b']) { Headers = { { "Content-Type", "text/plain" } } },
        };
        foreach (var (name, value) in new[] { ("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-source", "fuzz"), ("ce-type", "t"), ("ce-subject", "s"), ("ce-severity", "high") })
            request.Headers.TryAddWithoutValidation(name, value);
        await RefusedAsync(await _http.SendAsync(request), "$", "NUL");
    }

    [Fact]
    public async Task a_nul_in_a_header_is_refused_before_anything_reads_it()
    {
        // HttpClient will not send it; a raw request does. Kestrel itself refuses the header line.
        using var tcp = new TcpClient();
        var url = new Uri(service.Url);
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"GET /api/incidents HTTP/1.1\r\nHost: {url.Authority}\r\nAuthorization: Bearer {PublishedServiceFixture.Everything}\r\nX-Actor: a\0b\r\nConnection: close\r\n\r\n"));
        var answer = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 400", answer);
    }

    [Fact]
    public async Task a_nul_in_a_console_form_field_gets_a_page_naming_it()
    {
        var incident = (await (await _http.PostAsJsonAsync("/api/incidents", new { title = "Form refused", severity = "low", restricted = false, summary = "" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var console = await ConsoleSession.SignInAsync(service.Url, PublishedServiceFixture.Everything);
        var (_, page) = await console.GetAsync($"/incidents/{incident}");
        var form = ConsoleSession.Forms(page).Single(f => f.Action.EndsWith("/participants"));
        using var answer = await console.PostAsync(form.Action, [.. form.Fields.Where(f => f.Key != "subject"), new("subject", "rui\0")]);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
        var shown = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await answer.Content.ReadAsStringAsync()).QuerySelector("main")?.TextContent ?? "";
        Assert.True(shown.Contains("subject: Contains a NUL character"), shown);
        var participants = (await _http.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident}")).GetProperty("participants");
        Assert.DoesNotContain(participants.EnumerateArray(), p => p.GetString()!.StartsWith("rui"));
    }

    [Fact]
    public async Task a_nul_in_a_signed_slack_payload()
    {
        var payload = """{"type":"block_actions","user":{"id":"U0PUBLISHED\u0000"},"actions":[{"action_id":"task.acknowledge","value":"x"}]}""";
        var body = "payload=" + Uri.EscapeDataString(payload);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/slack/actions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", IncidentOrchestrator.Integrations.SlackActionsEndpoint.Sign(PublishedServiceFixture.SlackSecret, timestamp, body));
        await RefusedAsync(await service.Client().SendAsync(request), "payload.user.id", "NUL");
    }

    private async Task RefusedAsync(HttpResponseMessage response, string field, string says)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
            var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}' in {text}");
            Assert.Contains(says, messages[0].GetString());
        }
        Assert.Empty(await service.ErrorsAsync(_logFrom));
    }

    private async Task<int> IncidentCountAsync() => (await _http.GetFromJsonAsync<JsonElement>("/api/incidents?limit=500")).GetArrayLength();
}
