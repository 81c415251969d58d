using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IncidentOrchestrator.Hosting;
using Marten;
using Marten.Storage;
using Npgsql;

namespace IncidentOrchestrator.Security.TamperEvidence;

/// <summary>What recomputing an incident's chain found. Sequences are stream positions, as on the timeline.</summary>
public sealed record ChainVerification(bool Valid, int Events, long? FirstBrokenSequence, string? Reason, string? HeadHash);

/// <summary>
/// Recomputes every link of a stream's chain, independently of the database function that made
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
    public async Task<ChainVerification> VerifyAsync(Guid streamId, Func<Link, ValueTask>? onLink, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.Read);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        var walk = new Walk();
        var count = await ReadLinksAsync(connection, streamId, 0, long.MaxValue, async link =>
        {
            walk.Next(link);
            if (onLink is not null) await onLink(link);
        }, ct);
        var broken = walk.Broken;

        var orphan = await ScalarAsync<long?>(connection, $"""
            select min(c.version) from {S}.event_chain c
             where c.stream_id = @stream and not exists (select 1 from {S}.mt_events e where e.seq_id = c.seq_id)
            """, streamId, ct);
        if (orphan is { } o) broken = Earliest(broken, (o, "a linked event is missing from the history"));

        var recorded = await ScalarAsync<long?>(connection, $"select version from {S}.mt_streams where id = @stream", streamId, ct) ?? 0;
        if (recorded != count)
            broken = Earliest(broken, (Math.Min(recorded, count) + 1, $"the stream records {recorded} events but {count} are present"));

        return broken is { } b
            ? new ChainVerification(false, count, b.Sequence, b.Reason, walk.Head)
            : new ChainVerification(true, count, null, null, walk.Head);
    }

    /// <summary>The links of the events at positions after <paramref name="after"/>, at most <paramref name="limit"/>, without verifying them.</summary>
    public async Task<int> LinksAsync(Guid streamId, long after, int limit, Func<Link, ValueTask> onLink, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.Read);
        await connection.OpenAsync(ct);
        return await ReadLinksAsync(connection, streamId, after, after + limit, onLink, ct);
    }

    /// <summary>The walk along a stream's links, in order: the first broken link, and the last good hash.</summary>
    private sealed class Walk
    {
        private string _previous = EventChainSchema.Genesis;
        private long _expected = 1;

        public (long Sequence, string Reason)? Broken { get; private set; }
        public string? Head { get; private set; }

        public void Next(Link link)
        {
            var expected = _expected++;
            if (Broken is not null) return;
            Broken = link.Version != expected ? (expected, "an event is missing at this position, or one was moved")
                : link.StoredHash is null ? (link.Version, "the event has no link: it was written around the service")
                : link.LinkedVersion != link.Version ? (link.Version, "the event was moved from the position it was linked at")
                : link.PreviousHash != _previous ? (link.Version, "the link does not follow the previous event")
                : Hash(_previous, link) is var hash && hash != link.StoredHash ? (link.Version, "the event's content differs from what was linked")
                : null;
            if (Broken is null) _previous = Head = link.StoredHash!;
        }
    }

    /// <summary>The canonical form; the database's <c>event_chain_hash</c> computes the same bytes.</summary>
    public static string Hash(string previous, Link e)
    {
        var canonical = string.Join('\n',
            previous,
            e.SeqId.ToString(CultureInfo.InvariantCulture),
            e.StreamId.ToString("D"),
            e.Version.ToString(CultureInfo.InvariantCulture),
            e.Type,
            e.Timestamp == DateTime.MinValue ? "-infinity"
            : e.Timestamp == DateTime.MaxValue ? "infinity"
            : e.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            e.Data);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public sealed record Link(long SeqId, Guid StreamId, long Version, string Type, DateTime Timestamp, string Data,
        long? LinkedVersion, string? PreviousHash, string? StoredHash);

    private static async Task<int> ReadLinksAsync(NpgsqlConnection connection, Guid streamId, long after, long upTo, Func<Link, ValueTask> onLink,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select e.seq_id, e.stream_id, e.version, e.type, e.timestamp, coalesce(e.data::text, ''), c.version, c.prev_hash, c.hash
              from {S}.mt_events e left join {S}.event_chain c on c.seq_id = e.seq_id
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
            await onLink(new Link(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetFieldValue<DateTime>(4), reader.GetString(5),
                await reader.IsDBNullAsync(6, ct) ? null : reader.GetInt64(6), await reader.IsDBNullAsync(7, ct) ? null : reader.GetString(7),
                await reader.IsDBNullAsync(8, ct) ? null : reader.GetString(8)));
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

    private static (long, string)? Earliest((long Sequence, string Reason)? current, (long Sequence, string Reason) found) =>
        current is { } c && c.Sequence <= found.Sequence ? c : found;
}
