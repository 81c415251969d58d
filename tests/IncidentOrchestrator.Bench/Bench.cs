using System.Diagnostics;
using System.Text.Json;
using IncidentOrchestrator.Bench.Measuring;
using IncidentOrchestrator.Contracts;
using Npgsql;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// The whole benchmark against a service and a PostgreSQL server that <c>ops/bench</c> started: pgbench first as the
/// yardstick, then each phase with what it cost per unit, then one line of results appended to the results file.
/// </summary>
public static class Bench
{
    public sealed record Settings(Uri Url, string Server, string Database, string Warehouse, int ServicePid, int Postmaster, DateTimeOffset StartedAt,
        string SigningKey, string PgBin, string ResultsFile, bool Profile, int PgbenchSeconds, int WarmRuns, int Runs, int LatencySamples,
        int ExecutorRuns, int StartedRuns, int StartClients, int TimelineEvents, long[] Growth, int ReceiverPort, string Playbooks);

    public sealed record Burst(SignalBurst.Outcome Load, double Ratio, Cost Cost, double PeakRssMiB);

    public sealed record Runs(RunLoad.Outcome Load, int WarmRuns, double Ratio, Cost Cost, double PeakRssMiB);

    public sealed record Grown(long EventsStored, double StepsPerSecond, double Ratio, Cost Cost, bool Verified);

    public sealed record Results(string When, string Commit, int Cores, double PgbenchTps, FirstRequests.Outcome Start, Burst Signals, Runs InTurn,
        ExecutorRuns.Outcome Executor, StartPath.Outcome Started, ReplayLoad.Outcome Replay, TimelinePage.Outcome Timeline, IReadOnlyList<Grown> Growth)
    {
        public bool Verified => Signals.Load.Verified && InTurn.Load.Verified && Executor.Verified && Started.Verified && Replay.Verified
                                && Timeline.Verified && Growth.All(g => g.Verified);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(Settings s, CancellationToken ct)
    {
        var commit = await CommitAsync(); // what is measured is what was checked out when the run began
        var server = new NpgsqlConnectionStringBuilder(s.Server);
        var connection = new NpgsqlConnectionStringBuilder(s.Server) { Database = s.Database }.ConnectionString;
        await using var db = NpgsqlDataSource.Create(connection);
        var ingest = Token(s, "bench", Roles.Ingest);
        var reader = Token(s, "bench-reader", Roles.Admin);
        var commander = Token(s, "bench-commander", Roles.Commander, Roles.Admin);

        // The start is measured first, with nothing else running; pgbench then runs while the service is idle.
        var start = await FirstRequests.RunAsync(s.Url, s.StartedAt, s.ServicePid, ingest, reader, ct);
        Say($"Cold start: ready in {start.ReadySeconds} s; first signal {start.FirstSignalMs} ms (then {start.SecondSignalMs}); first list {start.FirstListMs} ms (then {start.SecondListMs})");

        Say($"Baseline: pgbench -N -c 8 -j 2 -T {s.PgbenchSeconds}");
        var tps = await Pgbench.TransactionsPerSecondAsync(s.PgBin, server, "bench", s.PgbenchSeconds, ct);
        Say($"  {tps:F0} transactions/s");

        if (s.Profile)
            await using (var extension = db.CreateCommand("create extension if not exists pg_stat_statements")) await extension.ExecuteNonQueryAsync(ct);
        var accounting = new Accounting(db, s.ServicePid, s.Postmaster, s.Profile);

        Say("Signal burst: 10,000 signals over 1,000 fingerprints, batches of 1,000 from 2 clients");
        var mark = await accounting.StartAsync(ct);
        var burst = await SignalBurst.RunAsync(new SignalBurst.Settings(s.Url, ingest, connection, 10_000, 1_000, 1_000, 2), ct);
        var signals = new Burst(burst, Math.Round(burst.SignalsPerSecond / tps, 2), await accounting.EndAsync(mark, "signal", burst.Signals, ct),
            Machine.PeakRssMiB(s.ServicePid));
        Say($"  {burst.SignalsPerSecond:F0} signals/s ({signals.Ratio}x pgbench; target >= 1.5x); {Costs(signals.Cost)} (target <= 200 µs)");

        Say($"Runs in the turn: warming with {s.WarmRuns} runs, then {s.LatencySamples} one at a time and {s.Runs} at once (bench-six-steps)");
        for (var warmed = 0; warmed < s.WarmRuns; warmed += 1000)
            await RunLoad.RunAsync(new RunLoad.Settings(s.Url, ingest, connection, 0, Math.Min(1000, s.WarmRuns - warmed), 6), ct);
        await DrainedAsync(db, ct);
        Machine.ResetPeak(s.ServicePid);
        mark = await accounting.StartAsync(ct);
        var load = await RunLoad.RunAsync(new RunLoad.Settings(s.Url, ingest, connection, s.LatencySamples, s.Runs, 6), ct);
        var inTurn = new Runs(load, s.WarmRuns, Math.Round(load.StepsPerSecond / tps, 2),
            await accounting.EndAsync(mark, "step", (long)(s.Runs + s.LatencySamples) * 6, ct), Machine.PeakRssMiB(s.ServicePid));
        Say($"  {load.StepsPerSecond:F0} steps/s ({inTurn.Ratio}x pgbench; target >= 0.5x); {Costs(inTurn.Cost)} (target <= 1,000 µs); " +
            $"trigger to first action p50 {load.TriggerP50Ms} / p99 {load.TriggerP99Ms} ms (target p99 <= 50); peak RSS {inTurn.PeakRssMiB:F0} MiB (target <= 300)");

        Say($"Runs through the executor: {s.ExecutorRuns} runs of bench-executor-steps (webhooks, a grant taken back and read back)");
        var executor = await ExecutorRuns.RunAsync(new ExecutorRuns.Settings(s.Url, ingest, connection, s.Warehouse, s.ExecutorRuns, s.ReceiverPort),
            accounting, ct);
        Say($"  {executor.Load.StepsPerSecond:F0} steps/s ({Math.Round(executor.Load.StepsPerSecond / tps, 2)}x pgbench); {Costs(executor.Cost)}; " +
            $"{executor.WebhooksReceived} webhooks received, {executor.GrantsLeft} grants left");

        Say($"Runs started through the API: {s.StartedRuns} runs by {s.StartClients} clients (POST /api/incidents/{{id}}/runs)");
        await DrainedAsync(db, ct);
        var started = await StartPath.RunAsync(new StartPath.Settings(s.Url, ingest, commander, connection, s.StartedRuns, s.StartClients), accounting, ct);
        Say($"  {started.RunsPerSecond:F0} runs/s, {started.StepsPerSecond:F0} steps/s ({Math.Round(started.StepsPerSecond / tps, 2)}x pgbench; target >= 0.5x); " +
            $"{Costs(started.Cost)} per run of six steps, its start included; start p50 {started.StartP50Ms} / p99 {started.StartP99Ms} ms");

        Say($"Replay: a candidate version over {s.Runs} recorded runs, one request");
        var replay = await ReplayLoad.RunAsync(new ReplayLoad.Settings(s.Url, reader, Path.Combine(s.Playbooks, "bench-six-steps.yaml"), s.Runs, 3), ct);
        Say($"  p50 {replay.P50Seconds:F2} s (target <= 2 s)");

        Say($"Timeline page: pages of 200 from an incident of {s.TimelineEvents} events, through the API and as plain SQL");
        var timeline = await TimelinePage.RunAsync(new TimelinePage.Settings(s.Url, ingest, reader, connection, s.TimelineEvents, 200), ct);
        Say($"  API p50 {timeline.ApiP50Ms} ms, SQL p50 {timeline.SqlP50Ms} ms: {timeline.Ratio}x (target <= 2x); console page {timeline.ConsolePageP50Ms} ms");

        var growth = new List<Grown> { new(await Growth.StoredAsync(db, ct), load.StepsPerSecond, inTurn.Ratio, inTurn.Cost, load.Verified) };
        foreach (var target in s.Growth.Where(g => g > 0))
        {
            Say($"As history grows: filling to {target:N0} stored events, then {s.Runs} runs");
            var stored = await Growth.FillToAsync(db, target, ct);
            await RunLoad.RunAsync(new RunLoad.Settings(s.Url, ingest, connection, 0, 200, 6), ct); // the planner's new plans, outside the measurement
            await DrainedAsync(db, ct);
            mark = await accounting.StartAsync(ct);
            var grown = await RunLoad.RunAsync(new RunLoad.Settings(s.Url, ingest, connection, 0, s.Runs, 6), ct);
            growth.Add(new Grown(stored, grown.StepsPerSecond, Math.Round(grown.StepsPerSecond / tps, 2),
                await accounting.EndAsync(mark, "step", grown.Steps, ct), grown.Verified));
            Say($"  {stored:N0} events stored: {grown.StepsPerSecond:F0} steps/s ({growth[^1].Ratio}x); {Costs(growth[^1].Cost)}");
        }

        var results = new Results(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm"), commit, Environment.ProcessorCount, Math.Round(tps),
            start, signals, inTurn, executor, started, replay, timeline, growth);
        await File.AppendAllTextAsync(s.ResultsFile, JsonSerializer.Serialize(results, Json) + "\n", ct);
        Say($"Results appended to {s.ResultsFile}{(results.Verified ? "" : "; SOMETHING DID NOT VERIFY (see verified: false)")}");
        return results.Verified ? 0 : 1;
    }

    private static string Costs(Cost cost) =>
        $"{cost.TotalUs:N0} µs of CPU per {cost.Unit} ({cost.ServiceUs:N0} service + {cost.PostgresUs:N0} PostgreSQL), " +
        $"{cost.Transactions} transactions{(cost.Statements is { } n ? $", {n} statements" : "")}";

    private static string Token(Settings s, string subject, params string[] roles) =>
        DevelopmentTokens.Issue(s.SigningKey, null, null, subject, null, roles, TimeSpan.FromHours(12), DateTimeOffset.UtcNow);

    /// <summary>Waits until what earlier work sent on (notifications, closed work) has been handled, so it is not measured with the next phase.</summary>
    private static async Task DrainedAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            await using var incoming = db.CreateCommand("select count(*) from incidents.wolverine_incoming_envelopes where status = 'Incoming'");
            if (Convert.ToInt64(await incoming.ExecuteScalarAsync(ct)) == 0) return;
            await Task.Delay(500, ct);
        }
    }

    private static async Task<string> CommitAsync()
    {
        static async Task<string> GitAsync(params string[] arguments)
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = await git.StandardOutput.ReadToEndAsync();
            await git.WaitForExitAsync();
            return output.Trim();
        }
        var commit = await GitAsync("rev-parse", "--short", "HEAD");
        var changed = await GitAsync("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs");
        return (commit.Length == 0 ? "?" : commit) + (changed.Length > 0 ? "+changes" : "");
    }

    private static void Say(string line) => Console.WriteLine(line);
}
