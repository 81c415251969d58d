using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentOrchestrator.Bench.Measuring;
using Npgsql;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// Runs started as a commander starts them: <c>POST /api/incidents/{id}/runs</c> from several clients at once, one run per
/// incident (the incidents opened beforehand, outside the measurement), timed from the first start to the last run's end.
/// </summary>
public static class StartPath
{
    public sealed record Settings(Uri Url, string IngestToken, string CommanderToken, string Connection, int Runs, int Clients);

    public sealed record Outcome(int Runs, int Clients, double Seconds, double RunsPerSecond, double StepsPerSecond, double StartP50Ms,
        double StartP99Ms, long Succeeded, Cost Cost, bool Verified);

    public static async Task<Outcome> RunAsync(Settings s, Accounting accounting, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = s.Url, Timeout = TimeSpan.FromMinutes(5) };
        var incidents = new List<Guid>();
        for (var offset = 0; offset < s.Runs; offset += 1000)
        {
            var batch = Enumerable.Range(offset, Math.Min(1000, s.Runs - offset)).Select(i => new
            {
                source = "bench", type = "bench.quiet", severity = "high", fingerprint = $"bench:start:{Guid.NewGuid():N}", title = $"start {i}",
            });
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/signals/batch") { Content = JsonContent.Create(batch) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.IngestToken);
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            incidents.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).EnumerateArray().Select(a => a.GetProperty("incidentId").GetGuid()));
        }

        await using var db = new NpgsqlConnection(s.Connection);
        await db.OpenAsync(ct);
        var ids = incidents.ToArray(); // this phase's runs are the runs of the incidents it opened

        await accounting.QuietAsync(ct); // what opening the incidents sent on is not the starts' cost
        var mark = await accounting.StartAsync(ct);
        var queue = new System.Collections.Concurrent.ConcurrentQueue<Guid>(incidents);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, s.Clients).Select(async _ =>
        {
            while (queue.TryDequeue(out var incident))
            {
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{incident}/runs")
                {
                    Content = JsonContent.Create(new { playbook = "bench-six-steps", inputs = new { key = incident.ToString("N")[..8] } }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.CommanderToken);
                using var response = await http.SendAsync(request, ct);
                if ((int)response.StatusCode != 202) throw new InvalidOperationException($"starting a run answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        await RunDocuments.WaitEndedAsync(db, RunDocuments.ByIncident, ids, s.Runs, ct);
        var seconds = clock.Elapsed.TotalSeconds;
        var cost = await accounting.EndAsync(mark, "started run", s.Runs, ct);
        var succeeded = await RunDocuments.SucceededAsync(db, RunDocuments.ByIncident, ids, ct);
        return new Outcome(s.Runs, s.Clients, Math.Round(seconds, 2), Math.Round(s.Runs / seconds, 1), Math.Round(s.Runs * RunLoad.SixSteps / seconds, 1),
            Statistics.Percentile(latencies, 0.5), Statistics.Percentile(latencies, 0.99), succeeded, cost, succeeded == s.Runs);
    }

}
