using System.Buffers;
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
/// hash-chain link covers it (<c>EventChainSchema</c>): the API's JSON of a <see cref="TimelineLine"/>, and for a type with
/// sensitive fields the redacted one beside it. A page of the timeline passes the stored text through instead of reading each event into
/// its type to describe it again. Events appended before lines were stored have none, and are described as they are read.
/// </summary>
public static class StoredLine
{
    public const string Header = Contracts.HashChain.LineHeader;
    public const string RedactedHeader = Contracts.HashChain.RedactedLineHeader;
    /// <summary>The <see cref="Redaction.Fingerprint"/> a redacted line was made under; not hashed (docs/security.md says what that leaves open).</summary>
    public const string RedactionHeader = "timeline-redaction";

    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();
    private const string S = IncidentOrchestratorHost.SchemaName;

    /// <summary>
    /// The line, and for a type that hides fields its redacted line: empty when it is the line itself (every sensitive field
    /// absent), so that a redacted line is never missing where one is due.
    /// </summary>
    public static (string Line, string? Redacted)? Of(object data, Type type)
    {
        try
        {
            return Make(data, type);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null; // an event no line can be made of is still appended, and described as it is read
        }
    }

    private static (string Line, string? Redacted) Make(object data, Type type)
    {
        var line = JsonSerializer.Serialize(TimelineProjection.Line(data, type, false), Json);
        if (!Redaction.Hides(type)) return (line, null);
        var redacted = JsonSerializer.Serialize(TimelineProjection.Line(data, type, true), Json);
        return (line, redacted == line ? "" : redacted);
    }

    /// <summary>
    /// Gives every event a session is about to append its lines, whoever appends it. A line is always made here, never
    /// taken from a header the session or its caller set.
    /// </summary>
    public sealed class Writer : DocumentSessionListenerBase
    {
        public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            Write(session);
            return Task.CompletedTask;
        }

        private static void Write(IDocumentSession session)
        {
            foreach (var stream in session.PendingChanges.Streams())
            foreach (var e in stream.Events)
            {
                if (Of(e.Data, e.EventType) is not var (line, redacted))
                {
                    foreach (var header in new[] { Header, RedactedHeader, RedactionHeader }) e.Headers?.Remove(header);
                    continue;
                }
                e.SetHeader(Header, line);
                if (redacted is not null)
                {
                    e.SetHeader(RedactedHeader, redacted);
                    e.SetHeader(RedactionHeader, Redaction.Fingerprint);
                }
                else
                {
                    e.Headers?.Remove(RedactedHeader);
                    e.Headers?.Remove(RedactionHeader);
                }
            }
        }
    }

    /// <summary>
    /// Where a page starts and what it keeps; filters by who acted are not among them (they need the line read).
    /// <paramref name="Hiding"/>: the stored names of the event types that have sensitive fields now.
    /// </summary>
    public sealed record Query(Guid StreamId, bool Backward, long From, int Limit, string[] Types, string[] Hidden, DateTimeOffset? Since, bool Redact,
        string[] Hiding);

    /// <summary>
    /// A page of the timeline, each item the API's JSON (UTF-8) made from its stored line, and the position the next page
    /// starts from. Null when an event of the page has no line to pass through: it was appended before lines were stored,
    /// its type has had a field marked sensitive since and a redacted reader asks, or its stored text is not a line as the
    /// service writes them. The caller then describes the page's events as it reads them.
    /// </summary>
    public static async Task<(List<byte[]> Items, long? Next)?> PageAsync(IQuerySession session, Query q, CancellationToken ct)
    {
        // A redacted reader gets a redacted line made under this build's redaction ('' standing for the line itself), the
        // writer having stored one for every type that hides fields, whatever the list of hiding types says; otherwise the
        // full line of a type that hides nothing today; anything else is described as it is read.
        var shown = q.Redact
            ? $"""
               case when headers ->> '{Header}' is null then null
                    when headers ->> '{RedactionHeader}' = @redaction and headers ->> '{RedactedHeader}' is not null
                         then coalesce(nullif(headers ->> '{RedactedHeader}', ''), headers ->> '{Header}')
                    when not (type = any(@hiding)) then headers ->> '{Header}' end
               """
            : $"headers ->> '{Header}'";
        var sql = new StringBuilder($"""
            select version, timestamp, {shown}
              from {S}.mt_events where stream_id = @stream and version {(q.Backward ? "<" : ">")} @from
            """);
        await using var command = new NpgsqlCommand();
        command.Parameters.AddWithValue("stream", q.StreamId);
        command.Parameters.AddWithValue("from", q.From);
        if (q.Redact)
        {
            command.Parameters.AddWithValue("hiding", q.Hiding);
            command.Parameters.AddWithValue("redaction", Redaction.Fingerprint);
        }
        if (q.Types.Length > 0) { sql.Append(" and type = any(@types)"); command.Parameters.AddWithValue("types", q.Types); }
        if (q.Hidden.Length > 0) { sql.Append(" and not (type = any(@hidden))"); command.Parameters.AddWithValue("hidden", q.Hidden); }
        if (q.Since is { } since) { sql.Append(" and timestamp >= @since"); command.Parameters.AddWithValue("since", since.ToUniversalTime()); }
        sql.Append($" order by version {(q.Backward ? "desc" : "")} limit @limit");
        command.Parameters.AddWithValue("limit", q.Limit + 1);
        command.CommandText = sql.ToString();

        var items = new List<byte[]>(Math.Min(q.Limit, 1000));
        long? next = null;
        await using (var reader = await session.ExecuteReaderAsync(command, ct))
        {
            var last = 0L;
            while (await reader.ReadAsync(ct))
            {
                if (items.Count == q.Limit) { next = last; break; }
                if (await reader.IsDBNullAsync(2, ct)) return null;
                last = reader.GetInt64(0);
                if (Item(last, reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2)) is not { } item) return null;
                items.Add(item);
            }
        }
        return (items, next);
    }

    /// <summary>
    /// A <see cref="TimelineItem"/> in the API's JSON: the event's position and append time, then its stored line; null
    /// when the stored text is not one JSON object of a line's fields.
    /// </summary>
    private static byte[]? Item(long sequence, DateTimeOffset recordedAt, string line)
    {
        var text = Encoding.UTF8.GetBytes(line);
        if (!IsLine(text, out var hasAt)) return null;
        var item = new ArrayBufferWriter<byte>(text.Length + 128);
        using (var writer = new Utf8JsonWriter(item))
        {
            writer.WriteStartObject();
            writer.WriteNumber("sequence", sequence);
            writer.WritePropertyName("recordedAt");
            JsonSerializer.Serialize(writer, recordedAt, Json);
            if (!hasAt) // the event does not say when it happened: its append time stands for it
            {
                writer.WritePropertyName("at");
                JsonSerializer.Serialize(writer, recordedAt, Json);
            }
            writer.Flush();
        }
        item.Write(","u8);
        item.Write(text.AsSpan(1));
        return item.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A stored page's items, for a door that shows items rather than passing their text on (the console, the live feed);
    /// null when one does not read as an item, and the page is then described as it is read.
    /// </summary>
    public static List<TimelineItem>? Read(IEnumerable<byte[]> items)
    {
        try
        {
            return items.Select(i => JsonSerializer.Deserialize<TimelineItem>(i, Json)!).ToList();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Exactly a line as <see cref="Of"/> writes it: one JSON object that starts the text, with <c>type</c>, <c>actor</c>,
    /// <c>summary</c> and <c>data</c>, perhaps <c>at</c> (a string), each once and nothing else, and nothing after it.
    /// </summary>
    private static bool IsLine(ReadOnlySpan<byte> text, out bool hasAt)
    {
        hasAt = false;
        if (text.IsEmpty || text[0] != (byte)'{') return false;
        var seen = 0;
        try
        {
            var reader = new Utf8JsonReader(text);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("type"u8) ? 1 : reader.ValueTextEquals("actor"u8) ? 2 : reader.ValueTextEquals("summary"u8) ? 4
                    : reader.ValueTextEquals("data"u8) ? 8 : reader.ValueTextEquals("at"u8) ? 16 : 0;
                if (field == 0 || (seen & field) != 0) return false;
                seen |= field;
                reader.Read();
                if (field is 1 or 2 or 4 or 16 && reader.TokenType != JsonTokenType.String) return false;
                if (field == 16 && !reader.TryGetDateTimeOffset(out _)) return false;
                reader.Skip();
            }
            hasAt = (seen & 16) != 0;
            return reader.TokenType == JsonTokenType.EndObject && (seen & 15) == 15 && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// A page's items as the API's JSON array, written into the response's pipe with its length: no page-sized string or
    /// buffer is made (a page of 1,000 would be one on the large-object heap), and no write is synchronous.
    /// </summary>
    public sealed class Page(IReadOnlyList<byte[]> items) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = 2 + Math.Max(0, items.Count - 1) + items.Sum(i => (long)i.Length);
            var body = context.Response.BodyWriter;
            body.Write("["u8);
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0) body.Write(","u8);
                body.Write(items[i]);
                if (i % 64 == 63) await body.FlushAsync(context.RequestAborted);
            }
            body.Write("]"u8);
            await body.FlushAsync(context.RequestAborted);
        }
    }
}
