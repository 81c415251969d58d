using IncidentOrchestrator.Bench.Measuring;
using Npgsql;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// Runs whose six steps act outside the incident, through the executor and its idempotency records: webhooks to a local
/// receiver, and a real grant on a local table taken back and read back. What a step costs when it is not run in the turn.
/// </summary>
public static class ExecutorRuns
{
    public sealed record Settings(Uri Url, string Token, string Connection, string Warehouse, int Runs);

    /// <summary>Steps of <c>bench-executor-steps</c>, of which <see cref="Webhooks"/> post to the receiver.</summary>
    public const int Steps = 6;
    public const int Webhooks = 3;

    public sealed record Outcome(int Runs, int Steps, double Seconds, double StepsPerSecond, long RunsSucceeded, long WebhooksReceived, long GrantsLeft,
        Cost Cost, bool Verified);

    public static async Task<Outcome> RunAsync(Settings s, WebhookReceiver receiver, Accounting accounting, CancellationToken ct)
    {
        await using (var warehouse = new NpgsqlConnection(s.Warehouse))
        {
            await warehouse.OpenAsync(ct);
            var setup = string.Join('\n', Enumerable.Range(0, s.Runs).Select(i =>
                $"create table if not exists bench.t{i} (id int); do $$ begin create role bench_r{i} nologin; exception when duplicate_object then null; end $$;"));
            await using var command = new NpgsqlCommand("create schema if not exists bench;\n" + setup, warehouse);
            await command.ExecuteNonQueryAsync(ct);
        }

        var before = receiver.Received;
        await accounting.QuietAsync(ct);
        var mark = await accounting.StartAsync(ct);
        var load = await RunLoad.RunAsync(new RunLoad.Settings(s.Url, s.Token, s.Connection, 0, s.Runs, Steps, "bench.executor",
            (n, key) => new { key, table = $"bench.t{n}", grantee = $"bench_r{n}" }), ct);
        var cost = await accounting.EndAsync(mark, "executor step", load.Steps, ct);
        var received = receiver.Received - before;

        await using var check = new NpgsqlConnection(s.Warehouse);
        await check.OpenAsync(ct);
        await using var left = new NpgsqlCommand($"""
            select count(*) from generate_series(0, {s.Runs - 1}) i
            where has_table_privilege('bench_r' || i, 'bench.t' || i, 'SELECT')
            """, check);
        var grantsLeft = Convert.ToInt64(await left.ExecuteScalarAsync(ct));
        return new Outcome(load.Runs, load.Steps, load.Seconds, load.StepsPerSecond, load.RunsSucceeded, received, grantsLeft, cost,
            load.Verified && received == (long)Webhooks * s.Runs && grantsLeft == 0);
    }
}
