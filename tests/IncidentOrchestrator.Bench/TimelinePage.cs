using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

using static IncidentOrchestrator.Bench.Measuring.Statistics;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// One incident of N events (one signal fingerprint, sent in batches), then pages of 200 of its timeline read
/// through the API, against a plain SQL select of the same 200 rows, at the same positions, in the same run. Each side is
/// timed until it holds the answer's text; neither parses it within the time.
/// </summary>
public static class TimelinePage
{
    public sealed record Settings(Uri Url, string IngestToken, string ReaderToken, string Connection, int Events, int Samples);

    public sealed record Outcome(int Events, int Samples, double ApiP50Ms, double ApiP99Ms, double SqlP50Ms, double SqlP99Ms, double Ratio,
        double NewestP50Ms, double ConsolePageP50Ms, double ConsolePageP99Ms, double ConsoleHugePageP50Ms, bool Verified);

    public static async Task<Outcome> RunAsync(Settings s, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = s.Url, Timeout = TimeSpan.FromMinutes(2) };
        var incident = await IncidentOfAsync(s.Events);
        var thousand = await IncidentOfAsync(1000);

        async Task<Guid> IncidentOfAsync(int events)
        {
        var fingerprint = $"bench:timeline:{Guid.NewGuid():N}";
        Guid opened = default;
        for (var sent = 0; sent < events; sent += 1000)
        {
            var batch = Enumerable.Range(sent, Math.Min(1000, events - sent)).Select(i => new
            {
                source = "bench", type = "dataset.read_anomaly", severity = "high", fingerprint, title = $"read #{i}",
                attributes = new { reader = $"user-{i % 97}" },
            });
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/signals/batch") { Content = JsonContent.Create(batch) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.IngestToken);
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            opened = (await response.Content.ReadFromJsonAsync<JsonElement>(ct))[0].GetProperty("incidentId").GetGuid();
        }
        return opened;
        }

        Console.WriteLine($"  {s.Events:N0} events recorded; paging");
        await using var db = new NpgsqlConnection(s.Connection);
        await db.OpenAsync(ct);
        await using (var analyze = new NpgsqlCommand("analyze incidents.mt_events", db)) await analyze.ExecuteNonQueryAsync(ct); // fresh statistics for both
        var random = new Random(7);
        var positions = Enumerable.Range(0, s.Samples).Select(_ => (long)random.Next(0, s.Events - 200)).ToList();
        var api = new List<double>();
        var sql = new List<double>();
        var newest = new List<double>();
        var verified = true;
        // Every path warmed alike, 50 times, so that the JIT has compiled them optimised (after 30 calls) before any is timed.
        foreach (var after in positions.Take(50))
        {
            await ApiAsync(after);
            await SqlAsync(after);
            await ReadAsync($"/api/incidents/{incident}/timeline?before={long.MaxValue}&limit=200");
        }
        foreach (var after in positions)
        {
            var started = Stopwatch.GetTimestamp();
            var body = await ApiAsync(after);
            api.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            verified &= JsonDocument.Parse(body).RootElement.GetArrayLength() == 200; // parsed outside the time, as the SQL side parses nothing
            started = Stopwatch.GetTimestamp();
            verified &= await SqlAsync(after) == 200;
            sql.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            await ReadAsync($"/api/incidents/{incident}/timeline?before={long.MaxValue}&limit=200");
            newest.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        // The console's incident page (HTML: header, the newest 50 events, runs, tasks, evidence), for 1,000 events and for the huge one.
        var page = new List<double>();
        var huge = new List<double>();
        for (var i = 0; i < s.Samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            verified &= (await PageAsync($"/incidents/{thousand}")).Contains("</html>");
            page.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (i % 4 != 0) continue;
            started = Stopwatch.GetTimestamp();
            verified &= (await PageAsync($"/incidents/{incident}")).Contains("</html>");
            huge.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return new Outcome(s.Events, s.Samples, Percentile(api, 0.5), Percentile(api, 0.99), Percentile(sql, 0.5), Percentile(sql, 0.99),
            Math.Round(Percentile(api, 0.5) / Percentile(sql, 0.5), 2), Percentile(newest, 0.5), Percentile(page, 0.5), Percentile(page, 0.99),
            Percentile(huge, 0.5), verified);

        async Task<string> PageAsync(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.ReaderToken);
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync(ct);
        }

        // The page as it arrives, the way the SQL side reads its rows' text: received whole, not parsed.
        async Task<byte[]> ApiAsync(long after)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/incidents/{incident}/timeline?after={after}&limit=200");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.ReaderToken);
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsByteArrayAsync(ct);
        }

        async Task<JsonElement> ReadAsync(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.ReaderToken);
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }

        async Task<int> SqlAsync(long after)
        {
            await using var command = new NpgsqlCommand("""
                select seq_id, version, type, data::text, timestamp from incidents.mt_events
                 where stream_id = $1 and version > $2 order by version limit 200
                """, db);
            command.Parameters.Add(new NpgsqlParameter { Value = incident });
            command.Parameters.Add(new NpgsqlParameter { Value = after });
            var rows = 0;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                _ = reader.GetString(3);
                rows++;
            }
            return rows;
        }
    }

}
