using System.Net.Http.Json;
using System.Text.Json;
using IncidentOrchestrator.Tests.Cli;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.RealServer;

/// <summary>
/// The reading endpoints that stream or write their answer by hand, on the published service behind Kestrel: there a
/// synchronous write is refused after the status line has gone out, and the client sees a 200 and a cut connection.
/// The in-process host lets it pass, so these are asked of the real process.
/// </summary>
[Collection(PublishedServiceCollection.Name)]
public sealed class the_published_service_serves_what_it_streams(PublishedServiceFixture service)
{
    private readonly HttpClient _http = service.Client(PublishedServiceFixture.Everything);

    [Fact]
    public async Task a_small_incident_exports_whole_and_paged_reports_and_verifies_offline() =>
        await ReadEverythingAsync(await IncidentAsync(signals: 10));

    [Fact]
    public async Task an_incident_of_five_thousand_events_exports_whole_and_paged_reports_and_verifies_offline() =>
        await ReadEverythingAsync(await IncidentAsync(signals: 5_000));

    [Fact]
    public async Task the_consoles_live_timeline_streams_behind_the_need_to_know_gate()
    {
        var errorsBefore = service.Log.Length;
        var id = await IncidentAsync(signals: 3);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The gate (a filter on every console route) lets the stream open, which then brings the timeline written so far.
        using var response = await _http.GetAsync($"/incidents/{id}/live?after=0", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<string>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
        {
            events.Add(item.EventType);
            if (item.EventType == "timeline") break;
        }
        Assert.Equal(["connected", "timeline"], events);

        // An incident that is not there, and a restricted one to someone without need-to-know: the same not-found page,
        // before any stream opens.
        var restricted = (await (await _http.PostAsJsonAsync("/api/incidents",
            new { title = "Restricted, streamed", severity = "high", restricted = true, summary = "need-to-know" }, timeout.Token))
            .Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("id").GetGuid();
        using var outsider = service.Client(Tokens.For("rita.responder", IncidentOrchestrator.Contracts.Roles.Responder));
        foreach (var (client, incident) in new[] { (_http, Guid.NewGuid()), (outsider, restricted) })
        {
            using var refused = await client.GetAsync($"/incidents/{incident}/live?after=0", timeout.Token);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("Restricted, streamed", await refused.Content.ReadAsStringAsync(timeout.Token));
        }
        Assert.Empty(await service.ErrorsAsync(errorsBefore));
    }

    private async Task ReadEverythingAsync(Guid id)
    {
        var errorsBefore = service.Log.Length;
        var version = (await _http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}")).GetProperty("version").GetInt64();

        // the whole export, read to its end and parsed
        using var whole = JsonDocument.Parse(await _http.GetStringAsync($"/api/incidents/{id}/export"));
        Assert.Equal(version, whole.RootElement.GetProperty("timeline").GetArrayLength());
        Assert.Equal(version, whole.RootElement.GetProperty("chain").GetProperty("links").GetArrayLength());
        Assert.True(whole.RootElement.GetProperty("chain").GetProperty("verification").GetProperty("valid").GetBoolean());

        // paged: every page whole, the next one named by the Link header, together the whole timeline once
        var sequences = new List<long>();
        for (string? next = $"/api/incidents/{id}/export?limit=1000"; next is not null;)
        {
            using var response = await _http.GetAsync(next);
            Assert.Equal(200, (int)response.StatusCode);
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            sequences.AddRange(page.RootElement.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
            next = Link(response);
        }
        Assert.Equal(Enumerable.Range(1, (int)version).Select(i => (long)i), sequences);

        // the timeline's pages, the report, the chain's verdict
        // (their stored lines written by hand into the answer: the same items as the export's)
        var timeline = new List<System.Text.Json.Nodes.JsonNode>();
        for (string? next = $"/api/incidents/{id}/timeline?limit=1000"; next is not null;)
        {
            using var response = await _http.GetAsync(next);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Content.Headers.ContentLength); // written by hand from the stored lines, with its length
            timeline.AddRange(System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(e => e!.DeepClone()));
            next = Link(response);
        }
        Assert.Equal(sequences, timeline.Select(e => e["sequence"]!.GetValue<long>()));
        var exported = whole.RootElement.GetProperty("timeline").EnumerateArray().Select(e => System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText())!).ToList();
        Assert.All(timeline.Zip(exported), pair => Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(pair.First, pair.Second),
            $"{pair.First.ToJsonString()}\n{pair.Second.ToJsonString()}"));
        var report = await _http.GetStringAsync($"/api/incidents/{id}/report");
        Assert.StartsWith("# ", report);
        Assert.True((await _http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/verify")).GetProperty("valid").GetBoolean());

        // the live stream replays the whole timeline from the start
        Assert.Equal(version, await StreamedAsync(id, version));

        // the console's pages of the incident, signed in as a person is
        using (var console = await ConsoleSession.SignInAsync(service.Url, PublishedServiceFixture.Everything))
            foreach (var (path, shows) in new[]
                     {
                         ($"/incidents/{id}", "main h1"), ($"/incidents/{id}/report", "main h1"), ("/incidents", "main h1"),
                         ($"/incidents/{id}/timeline?before={version}", "li.event"), // the older events a page fetches into itself
                         ($"/incidents/{id}/verify", "*"), // the chain's verdict, into the page
                     })
            {
                var (status, page) = await console.GetAsync(path);
                Assert.True(status == System.Net.HttpStatusCode.OK, $"{path}: {(int)status}");
                Assert.True(page.QuerySelector(shows) is not null, $"{path}: no {shows} in {Fuzzing.Excerpt(page.DocumentElement.OuterHtml)}");
            }
        using (var console = await ConsoleSession.SignInAsync(service.Url, PublishedServiceFixture.Everything))
            Assert.Contains("The history verifies", (await console.GetAsync($"/incidents/{id}/verify")).Page.Body!.TextContent);

        // as a person would keep it: the CLI writes the export and checks its chain offline
        var file = Path.Combine(Directory.CreateTempSubdirectory("export-").FullName, "export.json");
        var written = await CliRunner.Incident(null, service.Url, PublishedServiceFixture.Everything, false, "export", id.ToString(), "--out", file);
        Assert.True(written.ExitCode == 0, written.Error);
        var verified = await CliRunner.Incident(null, service.Url, PublishedServiceFixture.Everything, false, "verify", "--file", file);
        Assert.True(verified.ExitCode == 0, verified.Out + verified.Error);

        Assert.Empty(await service.ErrorsAsync(errorsBefore));
    }

    /// <summary>Reads <c>timeline/stream?after=0</c> until it has seen <paramref name="expected"/> events; how many it saw.</summary>
    private async Task<long> StreamedAsync(Guid id, long expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await _http.GetAsync($"/api/incidents/{id}/timeline/stream?after=0", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var seen = 0L;
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
            if (item.EventType == "timeline" && ++seen == expected) break;
        return seen;
    }

    private static string? Link(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var links) && links.FirstOrDefault() is { } link && link.Contains("rel=\"next\"")
            ? new Uri(link[(link.IndexOf('<') + 1)..link.IndexOf('>')], UriKind.RelativeOrAbsolute) is { IsAbsoluteUri: true } absolute
                ? absolute.PathAndQuery
                : link[(link.IndexOf('<') + 1)..link.IndexOf('>')]
            : null;

    /// <summary>An incident opened by a signal and joined by the rest (one event each), sent in batches as a scanner sends them.</summary>
    private async Task<Guid> IncidentAsync(int signals)
    {
        var fingerprint = $"published-{Guid.NewGuid():N}";
        Guid? incident = null;
        for (var sent = 0; sent < signals; sent += 1000)
        {
            var batch = Enumerable.Range(sent, Math.Min(1000, signals - sent)).Select(i => new
            {
                source = "scanner", type = "scanner.finding", severity = "high", fingerprint, title = $"finding {i}",
                attributes = new { dataset = "hr.employee_activity", grantee = $"engineer_{i}" },
            });
            using var response = await _http.PostAsJsonAsync("/api/signals/batch", batch);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            incident ??= (await response.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("incidentId").GetGuid();
        }
        return incident!.Value;
    }
}
