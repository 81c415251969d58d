using IncidentOrchestrator.Hosting;
using Marten;
using Marten.Storage;
using Npgsql;

namespace IncidentOrchestrator.Security.TamperEvidence;

/// <summary>
/// Recomputes every link of a stream's chain (<see cref="ChainWalk"/>), independently of the database function that made
/// them, from what the event table holds now. It finds: an event whose content, type, time,
/// position or stream changed; a deleted event (a gap, an orphaned link, or a stream shorter than
/// its recorded version); an event added or moved without its link; and reordered events.
/// </summary>
public sealed class ChainVerifier(IDocumentStore store)
{
    private const string S = IncidentOrchestratorHost.SchemaName;

    public Task<ChainVerification> VerifyAsync(Guid streamId, CancellationToken ct) => VerifyAsync(streamId, null, ct);

    /// <summary>
    /// Recomputes the chain one link at a time, handing each link to <paramref name="onLink"/> as it goes
    /// (an export writes them out), so that even a huge incident is never held in memory.
    /// </summary>
    public async Task<ChainVerification> VerifyAsync(Guid streamId, Func<ChainLink, ValueTask>? onLink, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.Read);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        var walk = new ChainWalk();
        var count = await ReadLinksAsync(connection, streamId, 0, long.MaxValue, async link =>
        {
            walk.Next(link);
            if (onLink is not null) await onLink(link);
        }, ct);

        var orphan = await ScalarAsync<long?>(connection, $"""
            select min(c.version) from {S}.event_chain c
             where c.stream_id = @stream and not exists (select 1 from {S}.mt_events e where e.seq_id = c.seq_id)
            """, streamId, ct);
        if (orphan is { } o) walk.Also(o, "a linked event is missing from the history");

        var recorded = await ScalarAsync<long?>(connection, $"select version from {S}.mt_streams where id = @stream", streamId, ct) ?? 0;
        if (recorded != count) walk.Also(Math.Min(recorded, count) + 1, $"the stream records {recorded} events but {count} are present");
        return walk.Verification();
    }

    /// <summary>The links of the events at positions after <paramref name="after"/>, at most <paramref name="limit"/>, without verifying them.</summary>
    public async Task<int> LinksAsync(Guid streamId, long after, int limit, Func<ChainLink, ValueTask> onLink, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.Read);
        await connection.OpenAsync(ct);
        return await ReadLinksAsync(connection, streamId, after, after + limit, onLink, ct);
    }

    private static async Task<int> ReadLinksAsync(NpgsqlConnection connection, Guid streamId, long after, long upTo, Func<ChainLink, ValueTask> onLink,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($$"""
            select e.seq_id, e.stream_id, e.version, e.type, e.timestamp, coalesce(e.data::text, ''), c.version, c.prev_hash, c.hash,
                   e.headers ->> '{{Contracts.HashChain.LineHeader}}', e.headers ->> '{{Contracts.HashChain.RedactedLineHeader}}'
              from {{S}}.mt_events e left join {{S}}.event_chain c on c.seq_id = e.seq_id
             where e.stream_id = @stream and e.version > @after and e.version <= @upTo
             order by e.version
            """, connection);
        command.Parameters.AddWithValue("stream", streamId);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("upTo", upTo);
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            count++;
            await onLink(new ChainLink(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetFieldValue<DateTime>(4), reader.GetString(5),
                await reader.IsDBNullAsync(6, ct) ? null : reader.GetInt64(6), await reader.IsDBNullAsync(7, ct) ? null : reader.GetString(7),
                await reader.IsDBNullAsync(8, ct) ? null : reader.GetString(8),
                await reader.IsDBNullAsync(9, ct) ? null : reader.GetString(9), await reader.IsDBNullAsync(10, ct) ? null : reader.GetString(10)));
        }
        return count;
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql, Guid streamId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("stream", streamId);
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default : (T)value;
    }
}
