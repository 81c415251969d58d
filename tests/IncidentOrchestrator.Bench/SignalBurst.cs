using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;

using static IncidentOrchestrator.Bench.Measuring.Statistics;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// N signals over F distinct fingerprints, sent in batches by C concurrent clients. Every batch
/// draws its fingerprints at random, so batches contend for the same incidents as in a real storm. A burst's fingerprints
/// begin with its <c>Prefix</c>, so that a warming burst and the measured one open their own incidents.
/// </summary>
public static class SignalBurst
{
    public sealed record Settings(Uri Url, string Token, string Connection, int Signals, int Fingerprints, int BatchSize, int Clients,
        string Prefix = "bench:warehouse:");

    public sealed record Outcome(int Signals, int Fingerprints, int BatchSize, int Clients, double Seconds, double SignalsPerSecond,
        double BatchP50Ms, double BatchP99Ms, long IncidentsOpened, long SignalsStored, bool Verified);

    public static async Task<Outcome> RunAsync(Settings s, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = s.Url, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", s.Token);

        var random = new Random(42);
        var batches = Enumerable.Range(0, (s.Signals + s.BatchSize - 1) / s.BatchSize)
            .Select(b => Enumerable.Range(0, Math.Min(s.BatchSize, s.Signals - b * s.BatchSize))
                .Select(i => Signal(s.Prefix, b * s.BatchSize + i, random.Next(s.Fingerprints)))
                .ToArray())
            .ToArray();

        // Warm-up outside the measurement: one signal on its own fingerprint.
        (await http.PostAsJsonAsync("/api/signals", Signal(s.Prefix, -1, -1), ct)).EnsureSuccessStatusCode();

        var latencies = new List<double>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, s.Clients).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Length)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/api/signals/batch", batches[index], ct);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"Batch {index} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;

        var (incidents, stored) = await CountAsync(s.Connection, s.Prefix, ct);
        return new Outcome(s.Signals, s.Fingerprints, s.BatchSize, s.Clients, Math.Round(seconds, 3),
            Math.Round(s.Signals / seconds, 1), Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            incidents, stored, incidents == s.Fingerprints && stored == s.Signals);
    }

    private static object Signal(string prefix, int index, int fingerprint) => new
    {
        source = "bench",
        type = "dataset.read_anomaly", // no playbook triggers on it: this measures intake alone
        severity = "high",
        fingerprint = fingerprint < 0 ? $"{prefix}warm-up" : $"{prefix}dataset-{fingerprint}",
        title = $"read #{index}",
        attributes = new { dataset = $"dataset-{fingerprint}", reader = $"user-{index % 97}" },
    };

    private static async Task<(long Incidents, long Signals)> CountAsync(string connectionString, string prefix, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            select (select count(*) from incidents.mt_doc_incident
                      where data->'fingerprints'->>0 like $1 and data->'fingerprints'->>0 <> $2),
                   (select count(*) from incidents.mt_events where type = 'signal_received'
                      and data->>'fingerprint' like $1 and data->>'fingerprint' <> $2)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = prefix + "%" });
        command.Parameters.Add(new NpgsqlParameter { Value = prefix + "warm-up" });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

}
