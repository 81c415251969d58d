using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentOrchestrator.Notifications.Channels;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.RealServer;

/// <summary>
/// Every operation of <c>/openapi/v1.json</c>, the console's forms and Slack's action endpoint, called by a seeded fuzzer
/// with everything a client can get wrong, on the published service: no answer is a 5xx, no connection is dropped, nothing
/// is logged as an error, and the service is still ready at the end. A failure names the requests that broke it and the seed.
/// </summary>
[Collection(PublishedServiceCollection.Name)]
public sealed class the_published_service_survives_a_fuzzer(PublishedServiceFixture service)
{
    private const int RequestsPerOperation = 48;
    private readonly List<string> _broken = [];
    private readonly Dictionary<int, int> _statuses = [];
    private int _sent;

    [Fact]
    public async Task every_operation_of_the_api_description()
    {
        using var http = service.Client(PublishedServiceFixture.Everything);
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        var fuzz = new Fuzzing(Fuzzing.SeedFromEnvironment(20261203), document);
        var known = await KnownAsync(http);
        var logFrom = service.Log.Length;

        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Path: path.Key, Method: new HttpMethod(op.Key.ToUpperInvariant()), Operation: op.Value!)))
            .Where(o => o.Path != "/api/integrations/slack/actions") // signed by Slack: its own generator below
            .ToList();
        Assert.True(operations.Count >= 40, $"only {operations.Count} operations in the description");
        var clock = Stopwatch.StartNew();
        foreach (var (path, method, operation) in operations)
            for (var i = 0; i < RequestsPerOperation; i++)
                await SendAsync(http, Request(fuzz, known, path, method, operation));

        await AssertSurvivedAsync(fuzz.Seed, logFrom, clock);
        Assert.True(_sent >= 2000, $"only {_sent} requests");
    }

    [Fact]
    public async Task every_form_of_the_console()
    {
        using var http = service.Client(PublishedServiceFixture.Everything);
        var fuzz = new Fuzzing(Fuzzing.SeedFromEnvironment(20261204));
        var known = await KnownAsync(http);
        var logFrom = service.Log.Length;
        using var console = await ConsoleSession.SignInAsync(service.Url, PublishedServiceFixture.Everything);

        // The forms people meet, found by reading the pages they open: a new form on any of these pages is fuzzed too.
        string[] pages = ["/incidents", $"/incidents/{known["id"]}", $"/incidents/{known["id"]}/runs/{known["runId"]}", "/work", "/playbooks",
            "/playbooks/privacy-notification", "/leadership", "/programmes"];
        var forms = new List<ConsoleSession.Form>();
        foreach (var page in pages)
        {
            var (status, document) = await console.GetAsync(page);
            Assert.True((int)status < 400, $"{page}: {(int)status}");
            forms.AddRange(ConsoleSession.Forms(document, page).Where(f => f.Action != "/signout"));
        }
        var distinct = forms.DistinctBy(f => (f.Action, string.Join(',', f.Fields.Select(x => x.Key)))).ToList();
        Assert.True(distinct.Count >= 8, $"only {distinct.Count} forms found on {string.Join(", ", pages)}");

        var clock = Stopwatch.StartNew();
        foreach (var form in distinct)
            for (var i = 0; i < 40; i++)
            {
                var fields = form.Fields.Select(f => f.Key.StartsWith("__RequestVerificationToken") && fuzz.Chance(0.9) ? f
                        : new KeyValuePair<string, string>(f.Key, fuzz.Chance(0.4) ? f.Value : fuzz.OddString()))
                    .Where(_ => fuzz.Chance(0.9)).ToList();
                if (fuzz.Chance(0.2)) fields.Add(new(fuzz.Chance(0.5) ? "unexpected" : "x\0", fuzz.OddString()));
                var request = new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = new FormUrlEncodedContent(fields) };
                await SendAsync(console, request, Fuzzing.Describe(HttpMethod.Post, form.Action, "form",
                    string.Join('&', fields.Select(f => $"{f.Key}={Fuzzing.Excerpt(f.Value)}"))));
            }

        await AssertSurvivedAsync(fuzz.Seed, logFrom, clock);
    }

    [Fact]
    public async Task slacks_action_endpoint()
    {
        using var http = service.Client();
        using var authorised = service.Client(PublishedServiceFixture.Everything);
        var fuzz = new Fuzzing(Fuzzing.SeedFromEnvironment(20261205));
        var known = await KnownAsync(authorised);
        var logFrom = service.Log.Length;

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 400; i++)
        {
            var action = new JsonObject
            {
                ["action_id"] = fuzz.Pick([SlackMessage.AcknowledgeAction, SlackMessage.ApproveAction, SlackMessage.OpenAction, fuzz.OddString()]),
                ["value"] = fuzz.Pick([known["taskId"], Guid.NewGuid().ToString(), fuzz.OddString()]),
            };
            JsonNode? payload = new JsonObject
            {
                ["type"] = fuzz.Chance(0.9) ? "block_actions" : fuzz.OddString(),
                ["user"] = new JsonObject { ["id"] = fuzz.Chance(0.7) ? PublishedServiceFixture.SlackUser : fuzz.OddString() },
                ["actions"] = new JsonArray(action),
            };
            if (fuzz.Chance(0.3)) payload = fuzz.Bent(payload);
            var text = fuzz.Text(payload, broken: fuzz.Chance(0.15));
            var body = fuzz.Chance(0.9) ? "payload=" + Uri.EscapeDataString(text) : text;
            var timestamp = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (fuzz.Chance(0.1) ? 3600 : 0)).ToString();
            var signature = fuzz.Chance(0.85) ? Sign(timestamp, body) : fuzz.Pick(["v0=00", "", Header(fuzz.OddString())]);
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/slack/actions")
            {
                Content = new StringContent(body, Encoding.UTF8, fuzz.Chance(0.9) ? "application/x-www-form-urlencoded" : "application/json"),
            };
            if (fuzz.Chance(0.95)) request.Headers.TryAddWithoutValidation("X-Slack-Request-Timestamp", fuzz.Chance(0.95) ? timestamp : Header(fuzz.OddString()));
            request.Headers.TryAddWithoutValidation("X-Slack-Signature", signature);
            await SendAsync(http, request, Fuzzing.Describe(HttpMethod.Post, "/api/integrations/slack/actions", "form", body));
        }

        await AssertSurvivedAsync(fuzz.Seed, logFrom, clock);
        // Signed requests got past the signature to the payload's own checks: the door left their bodies as Slack signed them.
        Assert.True(_statuses.Where(s => s.Key is not 401).Sum(s => s.Value) > 100, $"statuses: {string.Join(", ", _statuses.Select(s => $"{s.Key}×{s.Value}"))}");
    }

    /// <summary>What a header can carry at all (HTTP refuses the rest on the client's side): visible ASCII.</summary>
    private static string Header(string value) => new([.. value.Where(c => c is >= ' ' and <= '~').Take(8000)]);

    private static string Sign(string timestamp, string body) =>
        IncidentOrchestrator.Integrations.SlackActionsEndpoint.Sign(PublishedServiceFixture.SlackSecret, timestamp, body);

    private (HttpRequestMessage Request, string Description) Request(Fuzzing fuzz, IReadOnlyDictionary<string, string> known, string template,
        HttpMethod method, JsonNode operation)
    {
        var path = template;
        var query = new List<string>();
        foreach (var parameter in (operation["parameters"] as JsonArray ?? []).Select(p => fuzz.Resolve(p)!))
        {
            var name = parameter["name"]!.ToString();
            switch (parameter["in"]?.ToString())
            {
                case "path":
                    var value = fuzz.Chance(0.65) && known.TryGetValue(name, out var real) ? real
                        : fuzz.Pick([Guid.NewGuid().ToString(), fuzz.OddString(), "abc", "0"]);
                    path = path.Replace($"{{{name}}}", Fuzzing.Encode(value));
                    break;
                case "query" when fuzz.Chance(0.6):
                    var shaped = fuzz.Chance(0.5) ? fuzz.Valid(parameter["schema"], n => known.GetValueOrDefault(n ?? name), name: name)?.ToString() ?? ""
                        : fuzz.OddString();
                    query.Add($"{name}={Fuzzing.Encode(shaped)}");
                    break;
            }
        }
        if (fuzz.Chance(0.1)) query.Add($"{(fuzz.Chance(0.5) ? "unknown" : "limit")}={Fuzzing.Encode(fuzz.OddString())}");
        var url = path + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var request = new HttpRequestMessage(method, url);

        string? text = null, mediaType = null;
        var declared = (operation["requestBody"]?["content"] as JsonObject)?.FirstOrDefault();
        if (declared is { } content || (method == HttpMethod.Post && fuzz.Chance(0.5)))
        {
            var body = declared is { } c ? fuzz.Valid(c.Value!["schema"], n => n is null ? null : known.GetValueOrDefault(n))
                : new JsonObject { ["reason"] = fuzz.OddString() };
            var roll = fuzz.Random.Next(10);
            if (roll is >= 3 and < 7) body = fuzz.Bent(body);
            text = roll == 7 ? "" : fuzz.Text(body, broken: roll == 8);
            mediaType = roll == 9 ? fuzz.Pick(["text/plain", "application/xml", "multipart/form-data; boundary=x"]) : declared?.Key ?? "application/json";
            request.Content = new StringContent(text, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        }
        return (request, Fuzzing.Describe(method, url, mediaType, text));
    }

    private Task SendAsync(HttpClient http, (HttpRequestMessage Request, string Description) request) =>
        SendAsync(http.SendAsync, request.Request, request.Description);

    private Task SendAsync(HttpClient http, HttpRequestMessage request, string description) => SendAsync(http.SendAsync, request, description);

    private Task SendAsync(ConsoleSession console, HttpRequestMessage request, string description) =>
        SendAsync((r, _, _) => console.SendAsync(r), request, description);

    private async Task SendAsync(Func<HttpRequestMessage, HttpCompletionOption, CancellationToken, Task<HttpResponseMessage>> send,
        HttpRequestMessage request, string description)
    {
        _sent++;
        var streaming = request.RequestUri!.OriginalString.Split('?')[0].EndsWith("/stream");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            using var response = await send(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            _statuses[(int)response.StatusCode] = _statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            if ((int)response.StatusCode >= 500)
                _broken.Add($"{description}\n  → {(int)response.StatusCode} {Fuzzing.Excerpt(await response.Content.ReadAsStringAsync(timeout.Token))}");
            else if (!streaming || !response.IsSuccessStatusCode) await response.Content.ReadAsByteArrayAsync(timeout.Token); // read whole: a cut body throws
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            _broken.Add($"{description}\n  → {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            request.Dispose();
        }
    }

    private async Task AssertSurvivedAsync(int seed, int logFrom, Stopwatch clock)
    {
        using var http = service.Client();
        var ready = await http.GetAsync("/health/ready");
        var errors = await service.ErrorsAsync(logFrom);
        var problems = _broken.Take(8).Select(b => "- " + b)
            .Concat(errors.Take(3).Select(e => "- logged as an error:\n" + e)).ToList();
        Assert.True(problems.Count == 0 && ready.IsSuccessStatusCode,
            $"{_sent} requests in {clock.Elapsed.TotalSeconds:0.0} s (seed {seed}, INCIDENTS_FUZZ_SEED replays it): {_broken.Count} broke, " +
            $"{errors.Count} error lines, ready: {(int)ready.StatusCode}\n{string.Join('\n', problems)}");
    }

    /// <summary>Real things for the fuzzer to aim at: an incident, a run of a shipped playbook, its task, that playbook's version.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> KnownAsync(HttpClient http)
    {
        var declared = await http.PostAsJsonAsync("/api/incidents", new { title = "Fuzzed", severity = "high", restricted = false, summary = "aimed at" });
        var id = (await declared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var started = await http.PostAsJsonAsync($"/api/incidents/{id}/runs", new { playbook = "privacy-notification", inputs = new { dataset = "hr.employee_activity" } });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var taskId = "";
        for (var tries = 0; tries < 100 && taskId == ""; tries++, await Task.Delay(100))
            taskId = (await http.GetFromJsonAsync<JsonElement>($"/api/tasks?incident={id}")).EnumerateArray().Select(t => t.GetProperty("taskId").GetString()!).FirstOrDefault() ?? "";
        var hash = (await http.GetFromJsonAsync<JsonElement>("/api/playbooks/privacy-notification/versions"))[0].GetProperty("hash").GetString()!;
        return new Dictionary<string, string>
        {
            ["id"] = id, ["incident"] = id, ["runId"] = runId, ["taskId"] = taskId, ["approvalId"] = taskId, ["name"] = "privacy-notification",
            ["playbook"] = "privacy-notification", ["stepId"] = "assess-notification-duty", ["hash"] = hash, ["from"] = hash, ["to"] = hash,
            ["uuid"] = id, ["dataset"] = "hr.employee_activity", ["subject"] = "rui.responder", ["status"] = "open",
        };
    }
}
