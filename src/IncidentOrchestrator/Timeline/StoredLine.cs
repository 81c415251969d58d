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

    /// <summary>The API's names of the item's and the line's fields: the names the serializer gives the records' properties.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Sequence = Of<TimelineItem>(nameof(TimelineItem.Sequence)),
            RecordedAt = Of<TimelineItem>(nameof(TimelineItem.RecordedAt)), At = Of<TimelineLine>(nameof(TimelineLine.At)),
            Type = Of<TimelineLine>(nameof(TimelineLine.Type)), Actor = Of<TimelineLine>(nameof(TimelineLine.Actor)),
            Summary = Of<TimelineLine>(nameof(TimelineLine.Summary)), Data = Of<TimelineLine>(nameof(TimelineLine.Data));

        private static JsonEncodedText Of<T>(string property) => JsonEncodedText.Encode(Json.WrittenName(typeof(T), property)
            ?? throw new InvalidOperationException($"{typeof(T).Name}.{property} is not written"));
    }
    private const string S = IncidentOrchestratorHost.SchemaName;

    /// <summary>A page's size when none is asked for, and the most a page holds.</summary>
    public const int DefaultPage = 200, MaxPage = 1000;

    /// <summary>
    /// The line, and for a type that hides fields its redacted line, in full even when it is the line itself (every sensitive
    /// field absent): the chain hashes an absent redacted line and an empty one alike, so an empty one is never shown.
    /// </summary>
    /// <param name="failure">Why a line is the one named by the event's type, or why there is none: a defect of the event's type.</param>
    public static (string Line, string? Redacted)? Of(object data, Type type, out Exception? failure)
    {
        failure = null;
        try
        {
            return Make(data, type, ref failure);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            failure = e;
            return null; // a line that does not serialise: the event is still appended, and a page that reaches it describes it as it is read
        }
    }

    private static (string Line, string? Redacted) Make(object data, Type type, ref Exception? failure)
    {
        var line = JsonSerializer.Serialize(TimelineProjection.Line(data, type, false, out failure), Json);
        if (!Redaction.Hides(type)) return (line, null);
        var redacted = JsonSerializer.Serialize(TimelineProjection.Line(data, type, true, out var redactedFailure), Json);
        failure ??= redactedFailure;
        return (line, redacted);
    }

    /// <summary>
    /// Gives every event a session is about to append its lines, whoever appends it. A line is always made here, never
    /// taken from a header the session or its caller set. An event whose line is named by its type, or that has none, is
    /// still appended (history is not refused for a defect of the code that describes it) and logged as the defect it is:
    /// its stored line stays as it was written when the type is fixed.
    /// </summary>
    public sealed class Writer(ILogger logger) : DocumentSessionListenerBase
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, bool WithoutLine), bool> _logged = new(); // a defect is logged once a type and kind, not once an event

        public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            Write(session);
            return Task.CompletedTask;
        }

        private void Write(IDocumentSession session)
        {
            foreach (var stream in session.PendingChanges.Streams())
            foreach (var e in stream.Events)
            {
                e.Headers?.Remove(Header);
                e.Headers?.Remove(RedactedHeader);
                e.Headers?.Remove(RedactionHeader);
                var lines = Of(e.Data, e.EventType, out var failure);
                if (failure is not null && _logged.TryAdd((e.EventType, lines is null), true))
                    logger.LogError(failure, lines is null
                        ? "A {EventType} event of stream {StreamId} is appended without a timeline line (it could not be written); pages describe it as they read it. Further events of this type are not logged again until the service restarts"
                        : "A {EventType} event of stream {StreamId} is appended with a timeline line named by its type: its sentence could not be made. Further events of this type are not logged again until the service restarts",
                        e.EventType.Name, stream.Id);
                if (lines is not var (line, redacted)) continue;
                e.SetHeader(Header, line);
                if (redacted is null) continue;
                e.SetHeader(RedactedHeader, redacted);
                e.SetHeader(RedactionHeader, Redaction.Fingerprint);
            }
        }
    }

    /// <summary>Where a page starts and what it keeps; who acted is kept as the lines are read (<see cref="ActorOf"/>).</summary>
    public sealed record Query(Guid StreamId, bool Backward, long From, int Limit, string[] Types, string[] Hidden, DateTimeOffset? Since, bool Redact,
        string? Actor = null);

    /// <summary>
    /// A page as <see cref="LinesAsync"/> reads it; filtered by who acted, the stream's lines are read in batches and the
    /// actor's kept, until a page is full or <see cref="Paging.MaxScanned"/> events were read.
    /// </summary>
    public static async Task<(List<byte[]> Items, long? Next)> PageAsync(IQuerySession session, TimelineEventTypes eventTypes, Query q,
        CancellationToken ct)
    {
        if (q.Actor is null) return await LinesAsync(session, eventTypes, q, ct);
        return await Paging.ScanAsync<byte[], long>(
            async (position, batch) => (await LinesAsync(session, eventTypes, q with { From = position!.Value, Limit = batch }, ct)).Items,
            items => Task.FromResult<IReadOnlyList<byte[]>>(items.Where(i => ActorOf(i) == q.Actor).ToList()),
            SequenceOf, q.From, q.Limit);
    }

    /// <summary>
    /// A page of the timeline, each item the API's JSON (UTF-8), and the position the next page starts from. Whenever more
    /// events follow, the page holds exactly <see cref="Query.Limit"/> items: an event is never left out (one that cannot be
    /// described fails the read), which is what lets a caller scan on in batches until one comes back short. An item is made
    /// from the event's stored line where it can pass through; otherwise the event is described as it is read, in its place
    /// on the page, with the one rule that made the stored lines (<see cref="TimelineProjection"/>): when it was appended
    /// before lines were stored, when a reader without need-to-know asks and its redacted line was made under other sensitive
    /// fields than this build's, or when its stored text is not a line as the service writes them.
    /// </summary>
    private static async Task<(List<byte[]> Items, long? Next)> LinesAsync(IQuerySession session, TimelineEventTypes eventTypes, Query q,
        CancellationToken ct)
    {
        // Without a line nothing passes (a redacted line alone is never shown). For a reader without need-to-know: the
        // redacted line made under this build's redaction, the writer having stored one for every type that hides fields (an
        // empty one is never shown: the chain cannot tell it from none); or the line of an event stored with no redacted line
        // and no fingerprint at all, which passes only for a timeline type that hides nothing today (by its stored type name,
        // which the chain covers); otherwise nothing, and the event is described.
        // The line is read as its UTF-8 bytes (convert_to gives them as they are), so that a page never decodes it to text
        // and encodes it back.
        var shown = q.Redact
            ? $"""
               convert_to(case when headers ->> '{Header}' is null then null
                    when headers ->> '{RedactionHeader}' = @redaction and headers ->> '{RedactedHeader}' <> '' then headers ->> '{RedactedHeader}'
                    when headers ->> '{RedactionHeader}' is null and headers ->> '{RedactedHeader}' is null then headers ->> '{Header}' end, 'UTF8'),
               coalesce(headers ->> '{RedactionHeader}' = @redaction and headers ->> '{RedactedHeader}' <> '', false)
               """
            : $"convert_to(headers ->> '{Header}', 'UTF8'), true";
        var sql = new StringBuilder($"""
            select version, timestamp, type, {shown}
              from {S}.mt_events where stream_id = @stream and version {(q.Backward ? "<" : ">")} @from
            """);
        await using var command = new NpgsqlCommand();
        command.Parameters.AddWithValue("stream", q.StreamId);
        command.Parameters.AddWithValue("from", q.From);
        if (q.Redact) command.Parameters.AddWithValue("redaction", Redaction.Fingerprint);
        if (q.Types.Length > 0) { sql.Append(" and type = any(@types)"); command.Parameters.AddWithValue("types", q.Types); }
        if (q.Hidden.Length > 0) { sql.Append(" and not (type = any(@hidden))"); command.Parameters.AddWithValue("hidden", q.Hidden); }
        if (q.Since is { } since) { sql.Append(" and timestamp >= @since"); command.Parameters.AddWithValue("since", since.ToUniversalTime()); }
        sql.Append($" order by version {(q.Backward ? "desc" : "")} limit @limit");
        command.Parameters.AddWithValue("limit", q.Limit + 1);
        command.CommandText = sql.ToString();

        var items = new List<byte[]?>(Math.Min(q.Limit, 1000));
        var described = new Dictionary<long, int>(); // version → its place in the page
        long? next = null;
        var prefix = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(prefix))
        await using (var reader = await session.ExecuteReaderAsync(command, ct))
        {
            var last = 0L;
            while (await reader.ReadAsync(ct))
            {
                if (items.Count == q.Limit) { next = last; break; }
                last = reader.GetInt64(0);
                var line = reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3);
                var passes = line is not null && (reader.GetBoolean(4) || eventTypes.HidesNothing(reader.GetString(2)));
                var item = passes ? Item(last, reader.GetFieldValue<DateTimeOffset>(1), line!, prefix, writer) : null;
                if (item is null) described[last] = items.Count;
                items.Add(item);
            }
        }
        if (described.Count > 0)
        {
            var versions = described.Keys.ToArray();
            var events = await session.Events.QueryAllRawEvents()
                .Where(e => e.StreamId == q.StreamId && e.Version.IsOneOf(versions) && Marten.Events.Archiving.ArchivedEventExtensions.MaybeArchived(e)).ToListAsync(ct);
            foreach (var e in events) items[described[e.Version]] = JsonSerializer.SerializeToUtf8Bytes(TimelineProjection.Project(e, q.Redact), Json);
        }
        return (items.Select((item, i) => item ?? throw new InvalidOperationException(
            $"Event {described.Single(d => d.Value == i).Key} of stream {q.StreamId} has no line to show and could not be read to describe it")).ToList(), next);
    }

    /// <summary>
    /// A <see cref="TimelineItem"/> in the API's JSON: the event's position and append time, then its stored line; null
    /// when the stored text is not one JSON object of a line's fields. The page's one writer makes each item's start.
    /// </summary>
    private static byte[]? Item(long sequence, DateTimeOffset recordedAt, byte[] line, ArrayBufferWriter<byte> prefix, Utf8JsonWriter writer)
    {
        if (!IsLine(line, out var hasAt)) return null;
        prefix.ResetWrittenCount();
        writer.Reset(prefix);
        writer.WriteStartObject();
        writer.WriteNumber(Names.Sequence, sequence);
        writer.WriteString(Names.RecordedAt, recordedAt);
        if (!hasAt) writer.WriteString(Names.At, recordedAt); // the event does not say when it happened: its append time stands for it
        writer.Flush();
        var item = new byte[prefix.WrittenCount + line.Length]; // the start, a comma, and the line after its opening brace
        prefix.WrittenSpan.CopyTo(item);
        item[prefix.WrittenCount] = (byte)',';
        line.AsSpan(1).CopyTo(item.AsSpan(prefix.WrittenCount + 1));
        return item;
    }

    /// <summary>An item's position in its stream (its <c>sequence</c>).</summary>
    public static long SequenceOf(byte[] item) => TryField(item, Names.Sequence.EncodedUtf8Bytes, out var reader) && reader.TokenType == JsonTokenType.Number
        ? reader.GetInt64()
        : throw new InvalidOperationException("A timeline item without its sequence");

    /// <summary>Who did what an item says (its <c>actor</c>).</summary>
    public static string? ActorOf(byte[] item) =>
        TryField(item, Names.Actor.EncodedUtf8Bytes, out var reader) && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    /// <summary>A reader on the value of one of an item's own fields.</summary>
    private static bool TryField(byte[] item, ReadOnlySpan<byte> name, out Utf8JsonReader reader)
    {
        reader = new Utf8JsonReader(item);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.ValueTextEquals(name);
            reader.Read();
            if (found) return true;
            reader.Skip();
        }
        return false;
    }

    /// <summary>A page read into items, for a door that shows them rather than passing their text on (the console, the live feed, the report).</summary>
    public static async Task<(List<TimelineItem> Items, long? Next)> ItemsAsync(IQuerySession session, TimelineEventTypes eventTypes, Query q,
        CancellationToken ct)
    {
        var (items, next) = await PageAsync(session, eventTypes, q, ct);
        return (items.Select(i => JsonSerializer.Deserialize<TimelineItem>(i, Json)!).ToList(), next);
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
                var field = reader.ValueTextEquals(Names.Type.EncodedUtf8Bytes) ? 1 : reader.ValueTextEquals(Names.Actor.EncodedUtf8Bytes) ? 2
                    : reader.ValueTextEquals(Names.Summary.EncodedUtf8Bytes) ? 4 : reader.ValueTextEquals(Names.Data.EncodedUtf8Bytes) ? 8
                    : reader.ValueTextEquals(Names.At.EncodedUtf8Bytes) ? 16 : 0;
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
