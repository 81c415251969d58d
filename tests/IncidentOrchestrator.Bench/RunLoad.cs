using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
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

    /// <param name="Attributes">A run's signal attributes (its playbook's inputs) from its number; <c>key</c> alone by default.</param>
    public sealed record Settings(Uri Url, string Token, string Connection, int LatencySamples, int Runs, int StepsPerRun,
        string Playbook = "bench-six-steps", string SignalType = "bench.run", Func<int, string, object>? Attributes = null);

    public sealed record Outcome(int LatencySamples, double TriggerP50Ms, double TriggerP99Ms, int Runs, int Steps, double Seconds,
        double StepsPerSecond, long RunsSucceeded, bool Verified);

    public static async Task<Outcome> RunAsync(Settings s, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = s.Url, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", s.Token);
        await using var db = new NpgsqlConnection(s.Connection);
        await db.OpenAsync(ct);

        var runs = $"from incidents.mt_doc_playbookrun where data->>'playbook' = '{s.Playbook}'";
        const string over = "('succeeded', 'failed', 'compensated', 'cancelled')";
        var ended = $"select count(*) {runs} and data->>'state' in {over}";
        var succeededSql = $"select count(*) {runs} and data->>'state' = 'succeeded'";
        // Runs of an earlier load (a warm-up) are not this one's; read only when there are latency runs to wait for, as it
        // reads every run document there is.
        var earlier = s.LatencySamples > 0 ? await CountAsync(db, ended, ct) : 0;
        var earlierSucceeded = s.LatencySamples > 0 ? await CountAsync(db, succeededSql, ct) : 0;

        // Latency: one signal at a time, so each measures an idle service.
        var latencyIncidents = new List<Guid>();
        for (var i = 0; i < s.LatencySamples; i++)
        {
            using var response = await http.PostAsJsonAsync("/api/signals", Signal(s, -1 - i, $"latency-{i}"), ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            var incident = body.GetProperty("incidentId").GetGuid();
            latencyIncidents.Add(incident);
            await WaitAsync(db, $"select count(*) from incidents.mt_events where stream_id = '{incident}' and type in ('step_started', 'step_ran')", 1, ct);
        }
        var latencies = await TriggerLatenciesAsync(db, latencyIncidents, ct);
        var latencyRunsSucceeded = true;
        if (s.LatencySamples > 0)
        {
            await WaitAsync(db, ended, earlier + s.LatencySamples, ct); // the latency runs finish first, so they are not counted below
            latencyRunsSucceeded = await CountAsync(db, ended, ct) == earlier + s.LatencySamples
                && await CountAsync(db, succeededSql, ct) == earlierSucceeded + s.LatencySamples;
        }

        // Throughput: one batch opens N incidents, each starting a run; wait until all have ended.
        var clock = Stopwatch.StartNew();
        var started = new List<Guid>(s.Runs);
        for (var offset = 0; offset < s.Runs; offset += 1000)
        {
            var batch = Enumerable.Range(offset, Math.Min(1000, s.Runs - offset)).Select(i => Signal(s, i, $"run-{i}")).ToArray();
            using var response = await http.PostAsJsonAsync("/api/signals/batch", batch, ct);
            response.EnsureSuccessStatusCode();
            foreach (var accepted in (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).EnumerateArray())
                started.AddRange(accepted.GetProperty("runIds").EnumerateArray().Select(id => id.GetGuid()));
        }
        // Polled every 250 ms on this load's run documents by their ids, which reads those documents alone: a poll on every
        // run document of the playbook read more of them at each phase (as many as 12,000 by the last), and its growing cost
        // was counted as PostgreSQL's. Polled every 250 ms, the end is seen up to 250 ms late (a few percent of a run load of seconds).
        var mine = "from incidents.mt_doc_playbookrun where id = any(@ids)";
        var ids = started.ToArray();
        await WaitAsync(db, $"select count(*) {mine} and data->>'state' in {over}", ids.Length, ct, TimeSpan.FromMinutes(10),
            pollEvery: TimeSpan.FromMilliseconds(250), ids);
        var seconds = clock.Elapsed.TotalSeconds;
        var succeeded = await CountAsync(db, $"select count(*) {mine} and data->>'state' = 'succeeded'", ct, ids);

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

    private static async Task WaitAsync(NpgsqlConnection db, string sql, long expected, CancellationToken ct, TimeSpan? within = null,
        TimeSpan? pollEvery = null, Guid[]? ids = null)
    {
        var clock = Stopwatch.StartNew();
        while (await CountAsync(db, sql, ct, ids) < expected)
        {
            if (clock.Elapsed > (within ?? TimeSpan.FromSeconds(30))) throw new TimeoutException($"Waited too long for: {sql}");
            await Task.Delay(pollEvery ?? TimeSpan.FromMilliseconds(5), ct);
        }
    }

    private static async Task<long> CountAsync(NpgsqlConnection db, string sql, CancellationToken ct, Guid[]? ids = null)
    {
        await using var command = new NpgsqlCommand(sql, db);
        if (ids is not null) command.Parameters.AddWithValue("ids", ids);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

}
