using JasperFx;
using Marten;
using Marten.Services;
using Npgsql;

namespace IncidentOrchestrator.Hosting;

/// <summary>
/// Marten's logging, with two differences. The optimistic-concurrency conflicts the service
/// expects and retries (two writers appending to one incident at once) are logged once, at debug
/// level: Marten's default logs each as an error, once per command of the batch, with its stack
/// trace, which under load cost more CPU than the work itself. And failures are logged with their
/// SQL but never with parameter values, which can hold incident data.
/// </summary>
public sealed class ConflictTolerantMartenLogger(ILogger<IDocumentStore> logger) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => logger.LogInformation("Marten changed the schema: {Sql}", sql);

    public void LogSuccess(NpgsqlCommand command)
    {
        if (logger.IsEnabled(LogLevel.Trace)) logger.LogTrace("Marten ran: {Sql}", command.CommandText);
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
        if (logger.IsEnabled(LogLevel.Trace)) logger.LogTrace("Marten ran a batch of {Count} commands", batch.BatchCommands.Count);
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) => Failed(ex, command.CommandText);

    public void LogFailure(NpgsqlBatch batch, Exception ex) =>
        Failed(ex, string.Join(";\n", batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => c.CommandText)));

    public void LogFailure(Exception ex, string message) => Failed(ex, message);

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    public static bool IsExpectedConflict(Exception? ex) => ex switch
    {
        null => false,
        ConcurrencyException => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_mt_events_stream_and_version" } => true,
        _ => IsExpectedConflict(ex.InnerException),
    };

    private void Failed(Exception ex, string what)
    {
        if (!IsExpectedConflict(ex)) logger.LogError(ex, "Marten failed: {Sql}", what);
        else if (logger.IsEnabled(LogLevel.Debug)) logger.LogDebug("Concurrent append to one stream ({Reason}); it is retried", ex.GetBaseException().Message);
    }
}
