using Npgsql;

namespace IncidentOrchestrator.Bench.Measuring;

/// <param name="Statements">Executed per unit (pg_stat_statements; null when the library is not loaded).</param>
public sealed record Cost(string Unit, long Units, double ServiceUs, double PostgresUs, double? Statements, double? StatementMs,
    double Transactions, double Messages, double WalBytes, double EventBytes, IReadOnlyList<CostlyStatement> Costliest)
{
    public double TotalUs => ServiceUs + PostgresUs;
}

public sealed record CostlyStatement(double CallsPerUnit, double MsPerUnit, string Query);

/// <summary>
/// What a phase of work cost per unit (a signal, a step, a run): the service's and PostgreSQL's CPU, and PostgreSQL's own
/// counters (transactions, WAL bytes, statements) over the phase, with Wolverine's durable messages handled and the JSON
/// bytes of the events appended. The bench's own polling statements are left out of the statement figures.
/// </summary>
public sealed class Accounting(NpgsqlDataSource db, int service, int postmaster, bool statements)
{
    private const string Ours = "query not like '%pg_stat%' and query not like '%mt_doc_playbookrun%' and query not like '%pg_current_wal_lsn%'";

    public sealed record Mark(double ServiceMs, double PostgresMs, long Transactions, string Wal, long Handled, DateTimeOffset At);

    public async Task<Mark> StartAsync(CancellationToken ct)
    {
        if (statements) await ExecuteAsync("select pg_stat_statements_reset()", ct);
        return new Mark(Machine.CpuMs(service), Machine.PostgresCpuMs(postmaster),
            await ScalarAsync<long>("select xact_commit + xact_rollback from pg_stat_database where datname = current_database()", ct),
            await ScalarAsync<string>("select pg_current_wal_lsn()::text", ct),
            await ScalarAsync<long>("select count(*) from incidents.wolverine_incoming_envelopes where status = 'Handled'", ct),
            DateTimeOffset.UtcNow);
    }

    public async Task<Cost> EndAsync(Mark mark, string unit, long units, CancellationToken ct)
    {
        var serviceMs = Machine.CpuMs(service) - mark.ServiceMs;
        var postgresMs = Machine.PostgresCpuMs(postmaster) - mark.PostgresMs;
        var transactions = await ScalarAsync<long>("select xact_commit + xact_rollback from pg_stat_database where datname = current_database()", ct)
            - mark.Transactions;
        var wal = await ScalarAsync<decimal>($"select pg_wal_lsn_diff(pg_current_wal_lsn(), '{mark.Wal}')", ct);
        var handled = await ScalarAsync<long>("select count(*) from incidents.wolverine_incoming_envelopes where status = 'Handled'", ct) - mark.Handled;
        await using var bytes = db.CreateCommand("select coalesce(sum(octet_length(data::text)), 0) from incidents.mt_events where timestamp >= $1");
        bytes.Parameters.AddWithValue(mark.At);
        var eventBytes = Convert.ToDouble(await bytes.ExecuteScalarAsync(ct));
        double? calls = null, executionMs = null;
        var costliest = new List<CostlyStatement>();
        if (statements)
        {
            const string mine = "dbid = (select oid from pg_database where datname = current_database()) and " + Ours;
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
            Per(executionMs, units, 3), Math.Round(transactions / (double)units, 2), Math.Round(handled / (double)units, 2),
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
