using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentOrchestrator.Bench.Measuring;
using IncidentOrchestrator.Contracts;
using Npgsql;

using static IncidentOrchestrator.Bench.Measuring.Statistics;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// Trigger-to-first-action latency (signals sent one at a time), then many concurrent runs of the
/// six-step bench playbook started by one batch of signals, timed until every run has ended.
/// </summary>
public static class RunLoad
{
    /// <summary>Steps of <c>bench-six-steps</c>.</summary>
    public const int SixSteps = 6;

    /// <param name="SignalType">The type whose trigger starts the playbook measured (its runs are followed by the ids the signals' answers give).</param>
    /// <param name="Attributes">A run's signal attributes (its playbook's inputs) from its number; <c>key</c> alone by default.</param>
    public sealed record Settings(Uri Url, string Token, string Connection, int LatencySamples, int Runs, int StepsPerRun,
        string SignalType = "bench.run", Func<int, string, object>? Attributes = null);

    public sealed record Outcome(int LatencySamples, double TriggerP50Ms, double TriggerP99Ms, int Runs, int Steps, double Seconds,
        double StepsPerSecond, long RunsSucceeded, bool Verified);

    public static async Task<Outcome> RunAsync(Settings s, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = s.Url, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", s.Token);
        await using var db = new NpgsqlConnection(s.Connection);
        await db.OpenAsync(ct);

        // Latency: one signal at a time, so each measures an idle service.
        var latencyIncidents = new List<Guid>();
        var latencyRuns = new List<Guid>();
        for (var i = 0; i < s.LatencySamples; i++)
        {
            using var response = await http.PostAsJsonAsync("/api/signals", Signal(s, -1 - i, $"latency-{i}"), ct);
            response.EnsureSuccessStatusCode();
            var accepted = (await response.Content.ReadFromJsonAsync<SignalAccepted>(ApiJson.Options, ct))!;
            latencyIncidents.Add(accepted.IncidentId);
            latencyRuns.AddRange(accepted.RunIds);
            await WaitAsync(db, $"select count(*) from incidents.mt_events where stream_id = '{accepted.IncidentId}' and type in ('step_started', 'step_ran')", 1, ct);
        }
        var latencies = await TriggerLatenciesAsync(db, latencyIncidents, ct);
        // the latency runs finish first, so that they are not measured with the load below
        await RunDocuments.WaitEndedAsync(db, RunDocuments.ById, [.. latencyRuns], s.LatencySamples, ct);
        var latencyRunsSucceeded = latencyRuns.Count == s.LatencySamples
            && await RunDocuments.SucceededAsync(db, RunDocuments.ById, [.. latencyRuns], ct) == s.LatencySamples;

        // Throughput: one batch opens N incidents, each starting a run; wait until all have ended.
        var clock = Stopwatch.StartNew();
        var started = new List<Guid>(s.Runs);
        for (var offset = 0; offset < s.Runs; offset += 1000)
        {
            var batch = Enumerable.Range(offset, Math.Min(1000, s.Runs - offset)).Select(i => Signal(s, i, $"run-{i}")).ToArray();
            using var response = await http.PostAsJsonAsync("/api/signals/batch", batch, ct);
            response.EnsureSuccessStatusCode();
            foreach (var accepted in (await response.Content.ReadFromJsonAsync<List<SignalAccepted>>(ApiJson.Options, ct))!)
                started.AddRange(accepted.RunIds);
        }
        // This load's runs by their ids: a poll on every run document of the playbook read more of them at each phase (as many
        // as 12,000 by the last), and its growing cost was counted as PostgreSQL's.
        var ids = started.ToArray();
        await RunDocuments.WaitEndedAsync(db, RunDocuments.ById, ids, ids.Length, ct);
        var seconds = clock.Elapsed.TotalSeconds;
        var succeeded = await RunDocuments.SucceededAsync(db, RunDocuments.ById, ids, ct);

        var steps = s.Runs * s.StepsPerRun;
        return new Outcome(latencies.Count, Percentile(latencies, 0.5), Percentile(latencies, 0.99), s.Runs, steps, Math.Round(seconds, 2),
            Math.Round(steps / seconds, 1), succeeded, succeeded == s.Runs && ids.Length == s.Runs && latencyRunsSucceeded);
    }

    private static object Signal(Settings s, int number, string key) => new
    {
        source = "bench", type = s.SignalType, severity = "high", fingerprint = $"bench:{Guid.NewGuid():N}:{key}", title = key,
        attributes = s.Attributes?.Invoke(number, key) ?? new { key },
    };

    /// <summary>From the moment the signal was received to the moment the run dispatched its first action, both server clocks.</summary>
    private static async Task<List<double>> TriggerLatenciesAsync(NpgsqlConnection db, List<Guid> incidents, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select extract(epoch from (min((e.data->>'at')::timestamptz) filter (where e.type in ('step_started', 'step_ran'))
                                     - min((e.data->>'receivedAt')::timestamptz) filter (where e.type = 'signal_received'))) * 1000
            from incidents.mt_events e where e.stream_id = any(@ids) group by e.stream_id
            """, db);
        command.Parameters.AddWithValue("ids", incidents.ToArray());
        var result = new List<double>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (!await reader.IsDBNullAsync(0, ct)) result.Add(Convert.ToDouble(reader.GetValue(0)));
        return result;
    }

    private static async Task WaitAsync(NpgsqlConnection db, string sql, long expected, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (await CountAsync(db, sql, ct) < expected)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"Waited too long for: {sql}");
            await Task.Delay(5, ct);
        }
    }

    private static async Task<long> CountAsync(NpgsqlConnection db, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, db);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

}
