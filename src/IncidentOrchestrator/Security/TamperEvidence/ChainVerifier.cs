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

    public async Task<ChainVerification> VerifyAsync(Guid streamId, CancellationToken ct) => (await VerifyWithLinksAsync(streamId, ct)).Verification;

    /// <summary>The verdict and the links it was computed from, for an export that others can re-verify offline.</summary>
    public async Task<(ChainVerification Verification, IReadOnlyList<Link> Links)> VerifyWithLinksAsync(Guid streamId, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.Read);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        var links = await ReadLinksAsync(connection, streamId, ct);
        var broken = Walk(links, out var head);

        var orphan = await ScalarAsync<long?>(connection, $"""
            select min(c.version) from {S}.event_chain c
             where c.stream_id = @stream and not exists (select 1 from {S}.mt_events e where e.seq_id = c.seq_id)
            """, streamId, ct);
        if (orphan is { } o) broken = Earliest(broken, (o, "a linked event is missing from the history"));

        var recorded = await ScalarAsync<long?>(connection, $"select version from {S}.mt_streams where id = @stream", streamId, ct) ?? 0;
        if (recorded != links.Count)
            broken = Earliest(broken, (Math.Min(recorded, links.Count) + 1, $"the stream records {recorded} events but {links.Count} are present"));

        var verification = broken is { } b
            ? new ChainVerification(false, links.Count, b.Sequence, b.Reason, head)
            : new ChainVerification(true, links.Count, null, null, head);
        return (verification, links);
    }

    private static (long Sequence, string Reason)? Walk(IReadOnlyList<Link> links, out string? head)
    {
        var previous = EventChainSchema.Genesis;
        head = null;
        for (var i = 0; i < links.Count; i++)
        {
            var link = links[i];
            long expected = i + 1;
            if (link.Version != expected) return (expected, "an event is missing at this position, or one was moved");
            if (link.StoredHash is null) return (link.Version, "the event has no link: it was written around the service");
            if (link.LinkedVersion != link.Version) return (link.Version, "the event was moved from the position it was linked at");
            if (link.PreviousHash != previous) return (link.Version, "the link does not follow the previous event");
            var hash = Hash(previous, link);
            if (hash != link.StoredHash) return (link.Version, "the event's content differs from what was linked");
            previous = head = hash;
        }
        return null;
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

    private static async Task<List<Link>> ReadLinksAsync(NpgsqlConnection connection, Guid streamId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select e.seq_id, e.stream_id, e.version, e.type, e.timestamp, coalesce(e.data::text, ''), c.version, c.prev_hash, c.hash
              from {S}.mt_events e left join {S}.event_chain c on c.seq_id = e.seq_id
             where e.stream_id = @stream
             order by e.version
            """, connection);
        command.Parameters.AddWithValue("stream", streamId);
        var links = new List<Link>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            links.Add(new Link(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetFieldValue<DateTime>(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        return links;
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
