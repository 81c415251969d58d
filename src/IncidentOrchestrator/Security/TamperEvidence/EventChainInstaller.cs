using Marten;
using Marten.Storage;
using Npgsql;

namespace IncidentOrchestrator.Security.TamperEvidence;

/// <summary>
/// Installs the chain after Marten has created the event table and before Wolverine starts
/// handling messages, so no event is ever appended unlinked.
/// </summary>
public sealed class EventChainInstaller(IDocumentStore store, ILogger<EventChainInstaller> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand(EventChainSchema.Install, connection, transaction))
            await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Incident history is hash-chained and append-only");
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
