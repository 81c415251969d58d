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
        string SigningKey, string PgBin, string ResultsFile, bool Profile, int PgbenchSeconds, int WarmSignals, int WarmRuns, int Runs,
        int LatencySamples, int ExecutorRuns, int StartedRuns, int StartClients, int TimelineEvents, long[] Growth, int ReceiverPort, string Playbooks);

    /// <summary>What a results line was measured with, so that a quick run can be told from a full one.</summary>
    public sealed record Measured(bool Profile, int PgbenchSeconds, int WarmSignals, int WarmRuns, int Runs, int LatencySamples, int ExecutorRuns, int StartedRuns,
        int StartClients, int TimelineEvents, long[] Growth);

    /// <param name="Warming">What the warming signals cost, the first after the start (null without warming): the JIT's share is in it.</param>
    public sealed record Burst(SignalBurst.Outcome Load, double Ratio, Cost Cost, double PeakRssMiB, Cost? Warming);

    /// <param name="Trigger">The signals sent one at a time, each waited for (the bench polls for its first step every 5 ms, so it is not a phase whose CPU is counted).</param>
    public sealed record Runs(RunLoad.Outcome Trigger, RunLoad.Outcome Load, double Ratio, Cost Cost, double PeakRssMiB);

    public sealed record Executor(ExecutorRuns.Outcome Load, double Ratio);

    public sealed record Started(StartPath.Outcome Load, double Ratio);

    /// <param name="EventsStored">When the runs began.</param>
    public sealed record Grown(long EventsStored, double StepsPerSecond, double Ratio, Cost Cost, bool Verified);

    public sealed record Results(string When, string Commit, int Cores, Measured Settings, double PgbenchTps, FirstRequests.Outcome Start, Burst Signals,
        Runs InTurn, Executor Executor, Started Started, ReplayLoad.Outcome Replay, TimelinePage.Outcome Timeline, IReadOnlyList<Grown> Growth)
    {
        public bool Verified => Signals.Load.Verified && InTurn.Trigger.Verified && InTurn.Load.Verified && Executor.Load.Verified && Started.Load.Verified && Replay.Verified
                                && Timeline.Verified && Growth.All(g => g.Verified);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(Settings s, CancellationToken ct)
    {
        var commit = await CommitAsync(); // what is measured is what was checked out when the run began
        await using var receiver = new WebhookReceiver(s.ReceiverPort);
        var server = new NpgsqlConnectionStringBuilder(s.Server);
        var connection = new NpgsqlConnectionStringBuilder(s.Server) { Database = s.Database }.ConnectionString;
        await using var db = NpgsqlDataSource.Create(connection);
        var ingest = Token(s, "bench", Roles.Ingest);
        var reader = Token(s, "bench-reader", Roles.Admin);
        var commander = Token(s, "bench-commander", Roles.Commander, Roles.Admin);
        RunLoad.Settings Load(int latencySamples, int runs) => new(s.Url, ingest, connection, latencySamples, runs, RunLoad.SixSteps);

        // The start is measured first, with nothing else running; pgbench then runs while the service is idle.
        var start = await FirstRequests.RunAsync(s.Url, s.StartedAt, s.ServicePid, ingest, reader, ct);
        Say($"Cold start: ready in {start.ReadySeconds} s; first signal {start.FirstSignalMs} ms (then {start.SecondSignalMs}); first list {start.FirstListMs} ms (then {start.SecondListMs})");

        Say($"Baseline: pgbench -N -c 8 -j 2 -T {s.PgbenchSeconds}");
        var tps = await Pgbench.TransactionsPerSecondAsync(s.PgBin, server, "bench", s.PgbenchSeconds, ct);
        Say($"  {tps:F0} transactions/s");
        double Ratio(double perSecond) => Math.Round(perSecond / tps, 2);

        if (s.Profile)
            await using (var extension = db.CreateCommand("create extension if not exists pg_stat_statements")) await extension.ExecuteNonQueryAsync(ct);
        var accounting = new Accounting(db, s.ServicePid, s.Postmaster, s.Profile);

        Cost? warming = null;
        if (s.WarmSignals > 0)
        {
            // In batches of 250, so that what runs once a batch is called often enough (30 times) to be compiled optimised, as
            // what runs once a signal is: the burst then measures intake, not the JIT.
            Say($"Signal intake warming: {s.WarmSignals} signals over 1,000 other fingerprints, in batches of 250");
            var warmingMark = await accounting.StartAsync(ct);
            var warmed = await SignalBurst.RunAsync(new SignalBurst.Settings(s.Url, ingest, connection, s.WarmSignals, 1_000, 250, 2, "bench:warming:"), ct);
            warming = await accounting.EndAsync(warmingMark, "signal", warmed.Signals, ct);
            if (!warmed.Verified) throw new InvalidOperationException($"The warming signals were not all stored: {warmed}");
            Say($"  {Costs(warming)} (the first signals after the start, not the measure)");
            await accounting.QuietAsync(ct);
        }
        Say("Signal burst: 10,000 signals over 1,000 fingerprints, batches of 1,000 from 2 clients");
        Machine.ResetPeak(s.ServicePid);
        var mark = await accounting.StartAsync(ct);
        var burst = await SignalBurst.RunAsync(new SignalBurst.Settings(s.Url, ingest, connection, 10_000, 1_000, 1_000, 2), ct);
        var signals = new Burst(burst, Ratio(burst.SignalsPerSecond), await accounting.EndAsync(mark, "signal", burst.Signals, ct),
            Machine.PeakRssMiB(s.ServicePid), warming);
        Say($"  {burst.SignalsPerSecond:F0} signals/s ({signals.Ratio}x pgbench; target >= 1.5x); {Costs(signals.Cost)} (target <= 200 µs)");

        Say($"Runs in the turn: warming with {s.WarmRuns} runs, then {s.LatencySamples} one at a time and {s.Runs} at once (bench-six-steps)");
        for (var warmed = 0; warmed < s.WarmRuns; warmed += 1000)
            await RunLoad.RunAsync(Load(0, Math.Min(1000, s.WarmRuns - warmed)), ct);
        await accounting.QuietAsync(ct);
        Machine.ResetPeak(s.ServicePid);
        var trigger = await RunLoad.RunAsync(Load(s.LatencySamples, 0), ct);
        Say($"  trigger to first action p50 {trigger.TriggerP50Ms} / p99 {trigger.TriggerP99Ms} ms over {trigger.LatencySamples} signals (target p99 <= 50)");
        await accounting.QuietAsync(ct);
        mark = await accounting.StartAsync(ct);
        var load = await RunLoad.RunAsync(Load(0, s.Runs), ct);
        var inTurn = new Runs(trigger, load, Ratio(load.StepsPerSecond), await accounting.EndAsync(mark, "step", load.Steps, ct),
            Machine.PeakRssMiB(s.ServicePid));
        Say($"  {load.StepsPerSecond:F0} steps/s ({inTurn.Ratio}x pgbench; target >= 0.5x); {Costs(inTurn.Cost)} (target <= 1,000 µs); " +
            $"peak RSS {inTurn.PeakRssMiB:F0} MiB (target <= 300)");

        // The same runs again, as after each growth below: the line growth is read against, and a second sample of the one above.
        var growth = new List<Grown> { await GrownAsync() };
        Say($"  again, with {growth[0].EventsStored:N0} events stored: {growth[0].StepsPerSecond:F0} steps/s ({growth[0].Ratio}x); {Costs(growth[0].Cost)}");

        Say($"Runs through the executor: {s.ExecutorRuns} runs of bench-executor-steps (webhooks, a grant taken back and read back)");
        var executorLoad = await ExecutorRuns.RunAsync(new ExecutorRuns.Settings(s.Url, ingest, connection, s.Warehouse, s.ExecutorRuns), receiver, accounting, ct);
        var executor = new Executor(executorLoad, Ratio(executorLoad.StepsPerSecond));
        Say($"  {executorLoad.StepsPerSecond:F0} steps/s ({executor.Ratio}x pgbench); {Costs(executorLoad.Cost)}; " +
            $"{executorLoad.WebhooksReceived} webhooks received, {executorLoad.GrantsLeft} grants left");

        Say($"Runs started through the API: {s.StartedRuns} runs by {s.StartClients} clients (POST /api/incidents/{{id}}/runs)");
        var startedLoad = await StartPath.RunAsync(new StartPath.Settings(s.Url, ingest, commander, connection, s.StartedRuns, s.StartClients), accounting, ct);
        var started = new Started(startedLoad, Ratio(startedLoad.StepsPerSecond));
        Say($"  {startedLoad.RunsPerSecond:F0} runs/s, {startedLoad.StepsPerSecond:F0} steps/s ({started.Ratio}x pgbench; target >= 0.5x); " +
            $"{Costs(startedLoad.Cost)} (six steps and the start); start p50 {startedLoad.StartP50Ms} / p99 {startedLoad.StartP99Ms} ms");

        Say($"Replay: a candidate version over {s.Runs} recorded runs, one request");
        var replay = await ReplayLoad.RunAsync(new ReplayLoad.Settings(s.Url, reader, Path.Combine(s.Playbooks, "bench-six-steps.yaml"), s.Runs, 3), ct);
        Say($"  p50 {replay.P50Seconds:F2} s (target <= 2 s)");

        Say($"Timeline page: pages of 200 from an incident of {s.TimelineEvents} events, through the API and as plain SQL");
        var timeline = await TimelinePage.RunAsync(new TimelinePage.Settings(s.Url, ingest, reader, connection, s.TimelineEvents, 200), ct);
        Say($"  API p50 {timeline.ApiP50Ms} ms, SQL p50 {timeline.SqlP50Ms} ms: {timeline.Ratio}x (target <= 2x); console page {timeline.ConsolePageP50Ms} ms");

        foreach (var target in s.Growth.Where(g => g > 0))
        {
            Say($"As history grows: filling to {target:N0} stored events, then {s.Runs} runs");
            await Growth.FillToAsync(db, target, ct);
            // The same load once unmeasured, as the first point is measured after warming: plans for the bigger tables, and
            // the connections the pool closed while the fill left the service idle for minutes (Npgsql closes a connection
            // idle for 5 minutes, and a new backend parses, plans and loads its catalogue again). After the 5 million fill
            // these runs open about 80 connections anew; 200 runs need fewer at once, and the measured runs paid for the rest.
            await RunLoad.RunAsync(Load(0, s.Runs), ct);
            growth.Add(await GrownAsync());
            Say($"  {growth[^1].EventsStored:N0} events stored: {growth[^1].StepsPerSecond:F0} steps/s ({growth[^1].Ratio}x); {Costs(growth[^1].Cost)}");
        }

        var results = new Results(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm"), commit, Environment.ProcessorCount,
            new Measured(s.Profile, s.PgbenchSeconds, s.WarmSignals, s.WarmRuns, s.Runs, s.LatencySamples, s.ExecutorRuns, s.StartedRuns, s.StartClients, s.TimelineEvents,
                s.Growth),
            Math.Round(tps), start, signals, inTurn, executor, started, replay, timeline, growth);
        await File.AppendAllTextAsync(s.ResultsFile, JsonSerializer.Serialize(results, Json) + "\n", ct);
        Say($"Results appended to {s.ResultsFile}{(results.Verified ? "" : "; SOMETHING DID NOT VERIFY (see verified: false)")}");
        return results.Verified ? 0 : 1;

        async Task<Grown> GrownAsync()
        {
            await accounting.QuietAsync(ct);
            var stored = await Growth.StoredAsync(db, ct);
            var at = await accounting.StartAsync(ct);
            var runs = await RunLoad.RunAsync(Load(0, s.Runs), ct);
            return new Grown(stored, runs.StepsPerSecond, Ratio(runs.StepsPerSecond), await accounting.EndAsync(at, "step", runs.Steps, ct), runs.Verified);
        }
    }

    private static string Costs(Cost cost) =>
        $"{cost.TotalUs:N0} µs of CPU per {cost.Unit} ({cost.ServiceUs:N0} service + {cost.PostgresUs:N0} PostgreSQL), " +
        $"{cost.Transactions} transactions{(cost.Statements is { } n ? $", {n} statements" : "")}";

    private static string Token(Settings s, string subject, params string[] roles) =>
        DevelopmentTokens.Issue(s.SigningKey, null, null, subject, null, roles, TimeSpan.FromHours(12), DateTimeOffset.UtcNow);

    private static async Task<string> CommitAsync()
    {
        static async Task<string> GitAsync(params string[] arguments)
        {
            try
            {
                using var git = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                var output = await git.StandardOutput.ReadToEndAsync();
                await git.WaitForExitAsync();
                return git.ExitCode == 0 ? output.Trim() : "";
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return ""; // no git here: the line says "?"
            }
        }
        var commit = await GitAsync("rev-parse", "--short", "HEAD");
        var changed = await GitAsync("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs");
        return (commit.Length == 0 ? "?" : commit) + (changed.Length > 0 ? "+changes" : "");
    }

    private static void Say(string line) => Console.WriteLine(line);
}
