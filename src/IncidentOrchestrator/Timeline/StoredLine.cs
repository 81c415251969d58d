using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace IncidentOrchestrator.Timeline;

/// <summary>
/// Each event's timeline line, made once when it is appended and stored with it in the event table's headers, where its
/// hash-chain link covers it (<c>EventChainSchema</c>): the API's JSON of a <see cref="TimelineLine"/>, and the redacted
/// one beside it when it differs. A page of the timeline passes the stored text through instead of reading each event into
/// its type to describe it again. Events appended before lines were stored have none, and are described as they are read.
/// </summary>
public static class StoredLine
{
    public const string Header = "timeline";
    public const string RedactedHeader = "timeline-redacted";

    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();
    private const string S = IncidentOrchestratorHost.SchemaName;

    public static (string Line, string? Redacted) Of(object data, Type type)
    {
        var line = JsonSerializer.Serialize(TimelineProjection.Line(data, type, false), Json);
        if (!Redaction.Hides(type)) return (line, null);
        var redacted = JsonSerializer.Serialize(TimelineProjection.Line(data, type, true), Json);
        return (line, redacted == line ? null : redacted);
    }

    /// <summary>Gives every event a session is about to append its lines, whoever appends it.</summary>
    public sealed class Writer : DocumentSessionListenerBase
    {
        public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            foreach (var stream in session.PendingChanges.Streams())
            foreach (var e in stream.Events)
            {
                if (e.Headers?.ContainsKey(Header) == true) continue;
                var (line, redacted) = Of(e.Data, e.EventType);
                e.SetHeader(Header, line);
                if (redacted is not null) e.SetHeader(RedactedHeader, redacted);
            }
            return Task.CompletedTask;
        }
    }

    /// <summary>Where a page starts and what it keeps; filters by who acted are not among them (they need the line read).</summary>
    public sealed record Query(Guid StreamId, bool Backward, long From, int Limit, string[] Types, string[] Hidden, DateTimeOffset? Since, bool Redact);

    /// <summary>
    /// A page of the timeline, each item the API's JSON made from its stored line, and the position the next page starts
    /// from; null when an event of the page was appended before lines were stored.
    /// </summary>
    public static async Task<(List<string> Items, long? Next)?> PageAsync(IQuerySession session, Query q, CancellationToken ct)
    {
        var sql = new StringBuilder($"""
            select version, timestamp, {(q.Redact ? $"coalesce(headers ->> '{RedactedHeader}', headers ->> '{Header}')" : $"headers ->> '{Header}'")}
              from {S}.mt_events where stream_id = @stream and version {(q.Backward ? "<" : ">")} @from
            """);
        await using var command = new NpgsqlCommand();
        command.Parameters.AddWithValue("stream", q.StreamId);
        command.Parameters.AddWithValue("from", q.From);
        if (q.Types.Length > 0) { sql.Append(" and type = any(@types)"); command.Parameters.AddWithValue("types", q.Types); }
        if (q.Hidden.Length > 0) { sql.Append(" and not (type = any(@hidden))"); command.Parameters.AddWithValue("hidden", q.Hidden); }
        if (q.Since is { } since) { sql.Append(" and timestamp >= @since"); command.Parameters.AddWithValue("since", since); }
        sql.Append($" order by version {(q.Backward ? "desc" : "")} limit @limit");
        command.Parameters.AddWithValue("limit", q.Limit + 1);
        command.CommandText = sql.ToString();

        var items = new List<string>(Math.Min(q.Limit, 1000));
        long? next = null;
        await using (var reader = await session.ExecuteReaderAsync(command, ct))
        {
            var (item, last) = (new StringBuilder(), 0L);
            while (await reader.ReadAsync(ct))
            {
                if (items.Count == q.Limit) { next = last; break; }
                if (await reader.IsDBNullAsync(2, ct)) return null;
                last = reader.GetInt64(0);
                items.Add(Item(item.Clear(), last, reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2)));
            }
        }
        return (items, next);
    }

    /// <summary>A <see cref="TimelineItem"/> in the API's JSON: the event's position and append time, then its stored line.</summary>
    private static string Item(StringBuilder item, long sequence, DateTimeOffset recordedAt, string line)
    {
        var at = JsonSerializer.Serialize(recordedAt, Json);
        item.Append("{\"sequence\":").Append(sequence).Append(",\"recordedAt\":").Append(at);
        // A line carries "at" first when its event says when it happened; otherwise the append time stands for it.
        if (!line.StartsWith("{\"at\":", StringComparison.Ordinal)) item.Append(",\"at\":").Append(at);
        return item.Append(',').Append(line, 1, line.Length - 1).ToString();
    }
}
