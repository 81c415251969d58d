using Npgsql;

namespace IncidentOrchestrator.Bench.Measuring;

/// <param name="Statements">Executed per unit (pg_stat_statements; null when the library is not loaded).</param>
/// <param name="Messages">Durable messages Wolverine received per unit (rows inserted into its inbox).</param>
/// <param name="Transactions">In the service's database and the warehouse its actions act on, the bench's own polling included (a few a second).</param>
public sealed record Cost(string Unit, long Units, double ServiceUs, double PostgresUs, double? Statements, double? StatementMs,
    double Transactions, double Messages, double WalBytes, double EventBytes, IReadOnlyList<CostlyStatement> Costliest)
{
    public double TotalUs => ServiceUs + PostgresUs;
}

public sealed record CostlyStatement(double CallsPerUnit, double MsPerUnit, string Query);

/// <summary>
/// What a phase of work cost per unit (a signal, a step, a run): the service's and PostgreSQL's CPU, and PostgreSQL's own
/// counters over the phase (transactions, WAL bytes, statements, durable messages received), with the JSON bytes of the
/// events appended. The bench's own queries are left out of the statement figures.
/// </summary>
public sealed class Accounting(NpgsqlDataSource db, int service, int postmaster, bool statements)
{
    /// <summary>The bench's own queries (its polling, these counters), by how they begin or what they read.</summary>
    private const string NotTheBench = """
        query not like '%pg_stat%' and query not like '%pg_current_wal_lsn%' and query not like '%pg_wal_lsn_diff%'
        and query not like 'select count(*) from incidents.mt_doc_playbookrun%' and query not like 'select count(*) from incidents.mt_events%'
        and query not like 'select count(*) from incidents.wolverine_incoming_envelopes%' and query not like 'select coalesce(sum(octet_length(data::text))%'
        and query not like 'select extract(epoch%'
        """;

    private const string Transactions = "select sum(xact_commit + xact_rollback) from pg_stat_database where datname in (current_database(), 'warehouse')";
    private const string Received = "select coalesce(sum(n_tup_ins), 0) from pg_stat_user_tables where relname = 'wolverine_incoming_envelopes'";

    public sealed record Mark(double ServiceMs, double PostgresMs, long Transactions, string Wal, long Received, DateTimeOffset At);

    /// <summary>Waits until what earlier work sent on (notifications, closed work) has been handled, so it is not counted with the next phase.</summary>
    public async Task QuietAsync(CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await ScalarAsync<long>("select count(*) from incidents.wolverine_incoming_envelopes where status = 'Incoming'", ct) > 0)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                Console.WriteLine("  (messages of earlier work were still waiting after 2 minutes; measuring anyway)");
                return;
            }
            await Task.Delay(500, ct);
        }
    }

    public async Task<Mark> StartAsync(CancellationToken ct)
    {
        if (statements) await ExecuteAsync("select pg_stat_statements_reset()", ct);
        await ExecuteAsync("select pg_stat_clear_snapshot()", ct);
        return new Mark(Machine.CpuMs(service), Machine.PostgresCpuMs(postmaster), await ScalarAsync<long>(Transactions, ct),
            await ScalarAsync<string>("select pg_current_wal_lsn()::text", ct), await ScalarAsync<long>(Received, ct), DateTimeOffset.UtcNow);
    }

    public async Task<Cost> EndAsync(Mark mark, string unit, long units, CancellationToken ct)
    {
        var serviceMs = Machine.CpuMs(service) - mark.ServiceMs;
        var postgresMs = Machine.PostgresCpuMs(postmaster) - mark.PostgresMs;
        units = Math.Max(1, units);
        // PostgreSQL 15 reports a backend's counters when it is idle, at most a second late: wait that long before reading them.
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        await ExecuteAsync("select pg_stat_clear_snapshot()", ct);
        var transactions = await ScalarAsync<long>(Transactions, ct) - mark.Transactions;
        var wal = await ScalarAsync<decimal>($"select pg_wal_lsn_diff(pg_current_wal_lsn(), '{mark.Wal}')", ct);
        var received = await ScalarAsync<long>(Received, ct) - mark.Received;
        await using var bytes = db.CreateCommand("select coalesce(sum(octet_length(data::text)), 0) from incidents.mt_events where timestamp >= $1");
        bytes.Parameters.AddWithValue(mark.At);
        var eventBytes = Convert.ToDouble(await bytes.ExecuteScalarAsync(ct));
        double? calls = null, executionMs = null;
        var costliest = new List<CostlyStatement>();
        if (statements)
        {
            const string mine = "dbid = (select oid from pg_database where datname = current_database()) and " + NotTheBench;
            calls = Convert.ToDouble(await ScalarAsync<decimal>($"select coalesce(sum(calls), 0) from pg_stat_statements where {mine}", ct));
            executionMs = await ScalarAsync<double>($"select coalesce(sum(total_exec_time), 0) from pg_stat_statements where {mine}", ct);
            await using var top = db.CreateCommand($"""
                select calls, total_exec_time, left(regexp_replace(query, '\s+', ' ', 'g'), 140)
                from pg_stat_statements where {mine} order by total_exec_time desc limit 12
                """);
            await using var reader = await top.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                costliest.Add(new CostlyStatement(Math.Round(reader.GetInt64(0) / (double)units, 2), Math.Round(reader.GetDouble(1) / units, 3), reader.GetString(2)));
        }
        return new Cost(unit, units, Math.Round(serviceMs * 1000 / units), Math.Round(postgresMs * 1000 / units), Per(calls, units, 1),
            Per(executionMs, units, 3), Math.Round(transactions / (double)units, 2), Math.Round(received / (double)units, 2),
            Math.Round((double)wal / units), Math.Round(eventBytes / units), costliest);
    }

    private static double? Per(double? total, long units, int digits) => total is { } t ? Math.Round(t / units, digits) : null;

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(ct))!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
