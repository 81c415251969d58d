using Alba;
using Npgsql;
using Marten;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// What only the owner of the incident database can do: switch off the append-only guards of the
/// history. Tests use it to wipe their throwaway database between scenarios and, playing an
/// insider with database access, to rewrite history behind the service's back.
/// </summary>
public static class DatabaseOwner
{
    private const string Guards = """
        alter table incidents.mt_events {0} trigger events_append_only;
        alter table incidents.mt_events {0} trigger events_not_truncated;
        alter table incidents.event_chain {0} trigger chain_append_only;
        alter table incidents.event_chain {0} trigger chain_not_truncated;
        alter table incidents.mt_doc_incidentread {0} trigger reads_append_only;
        alter table incidents.mt_doc_incidentread {0} trigger reads_not_truncated;
        """;

    /// <summary>
    /// Empties the incident store, history and chain included. The service's own background work (durable messages the
    /// previous scenario left, such as notifications) can hold locks the reset needs: a deadlock is tried again.
    /// </summary>
    public static async Task ResetAsync(IAlbaHost host, string connectionString)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ResetOnceAsync(host, connectionString);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    private static async Task ResetOnceAsync(IAlbaHost host, string connectionString)
    {
        await ExecuteAsync(connectionString, string.Format(Guards, "disable"));
        try
        {
            await host.ResetAllMartenDataAsync();
            await ExecuteAsync(connectionString, "truncate incidents.event_chain");
        }
        finally
        {
            await ExecuteAsync(connectionString, string.Format(Guards, "enable"));
        }
    }

    /// <summary>Runs <paramref name="sql"/> with the guards off, in one transaction that also turns them back on.</summary>
    public static Task RewriteHistoryAsync(string connectionString, string sql, Guid incident) =>
        ExecuteAsync(connectionString, string.Format(Guards, "disable") + sql + ";\n" + string.Format(Guards, "enable"), incident);

    public static async Task ExecuteAsync(string connectionString, string sql, Guid? incident = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            if (incident is { } id) command.Parameters.AddWithValue("incident", id);
            await command.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }
}
