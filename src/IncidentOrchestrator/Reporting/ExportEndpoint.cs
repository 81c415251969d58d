using System.Text.Json;
using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Incidents.GettingDetails;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Timeline;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Reporting;

public sealed record ExportedEvidence(Guid EvidenceId, string Name, int RowCount, bool Truncated, string Sha256, DateTimeOffset CapturedAt,
    string Content);

/// <summary>
/// <c>GET /api/incidents/{id}/export</c>: everything the service holds about an incident, as JSON, for archives and
/// regulators: redacted for readers without need-to-know; in full, with the hashed text of every event, for the
/// others. The whole export is written as it is read (events and links in batches), so a huge incident is never
/// held in memory. With <c>after</c> or <c>limit</c> it is one page of the timeline and the chain (the next page's
/// URL in the <c>Link</c> header), and <c>chain.verification</c> is null: verify the whole chain with /verify.
/// </summary>
public static class ExportEndpoint
{
    public const int MaxPage = 1000;
    private const int Batch = 500;
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    [WolverineGet("/api/incidents/{id}/export"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid id, long? after, int? limit, IQuerySession session, ChainVerifier verifier, PinnedPlaybooks playbooks,
        TimelineEventTypes eventTypes, HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Problems.Validation();
        validation.Require(after is null or >= 0, "after", "A sequence (0 or more).");
        var paged = after is not null || limit is not null;
        var pageSize = Paging.Limit(limit, validation, StoredLine.DefaultPage, MaxPage);
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The export query is not valid"));

        var caller = context.User.Caller();
        if (await session.LoadAsync<Incident>(id, ct) is not { } incident) return Problems.NotFound("Incident", id);
        var redact = Redaction.AppliesTo(caller, incident);

        var runs = new List<RunView>();
        foreach (var run in await session.Query<PlaybookRun>().Where(r => r.IncidentId == id).OrderBy(r => r.StartedAt).ToListAsync(ct))
            runs.Add(RunViews.Of(run, (await playbooks.GetAsync(run.PlaybookHash, session, ct)).Steps.Select(s => s.Id).ToList(), redact));
        var evidence = (await session.Query<EvidenceItem>().Where(e => e.IncidentId == id).OrderBy(e => e.CapturedAt).ToListAsync(ct))
            .Select(e => new ExportedEvidence(e.Id, e.Name, e.RowCount, e.Truncated, e.Sha256, e.CapturedAt, Redaction.Text(e.Content, redact)!))
            .ToList();

        var from = after ?? 0;
        if (paged && incident.Version > from + pageSize) Paging.LinkNext(context, "after", (from + pageSize).ToString());
        var header = new { exportedAt = clock.GetUtcNow(), exportedBy = caller.Subject, redacted = redact, incident = IncidentDetails.From(incident, redact) };
        return new ExportStream(async (writer, flush) =>
        {
            WriteProperties(writer, header);
            if (paged) WriteProperties(writer, new { page = new { after = from, limit = pageSize } });
            writer.WritePropertyName("runs");
            JsonSerializer.Serialize(writer, runs, Json);
            writer.WritePropertyName("evidence");
            JsonSerializer.Serialize(writer, evidence, Json);

            writer.WriteStartArray("timeline");
            var (position, upTo) = (from, paged ? from + pageSize : long.MaxValue);
            while (position < upTo)
            {
                var batch = (int)Math.Min(Batch, upTo - position);
                var stored = await StoredLine.PageAsync(session, eventTypes, new(id, false, position, batch, [], [], null, redact), ct);
                foreach (var item in stored.Items) writer.WriteRawValue(item, skipInputValidation: true);
                await flush();
                if (stored.Items.Count == 0 || stored.Next is null) break;
                position = stored.Next.Value;
            }
            writer.WriteEndArray();

            writer.WriteStartObject("chain");
            writer.WriteString("canonical", HashChain.CanonicalForm);
            writer.WriteStartArray("links");
            var written = 0;
            async ValueTask Write(ChainLink l)
            {
                JsonSerializer.Serialize(writer, new ExportedLink(l.Version, l.SeqId, l.Type, l.Timestamp, l.PreviousHash ?? "", l.StoredHash,
                    redact ? null : l.Data, redact ? null : l.Line, redact ? null : l.RedactedLine), Json);
                if (++written % Batch == 0) await flush();
            }
            ChainVerification? verification = null;
            if (paged) await verifier.LinksAsync(id, from, pageSize, Write, ct);
            else verification = await verifier.VerifyAsync(id, Write, ct);
            writer.WriteEndArray();
            writer.WritePropertyName("verification");
            JsonSerializer.Serialize(writer, verification, Json);
            writer.WriteEndObject();
        });
    }

    private static void WriteProperties(Utf8JsonWriter writer, object values)
    {
        foreach (var property in JsonSerializer.SerializeToElement(values, Json).EnumerateObject()) property.WriteTo(writer);
    }

    /// <summary>
    /// Writes one JSON object to the response as it is produced. The writer writes into the response's pipe, never to
    /// its stream: the serializer flushes its writer synchronously, which Kestrel refuses on a stream. <c>flush</c> sends
    /// what was written so far.
    /// </summary>
    private sealed class ExportStream(Func<Utf8JsonWriter, Func<Task>, Task> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            var body = context.Response.BodyWriter;
            await using var writer = new Utf8JsonWriter(body);
            async Task Flush()
            {
                writer.Flush();
                await body.FlushAsync(context.RequestAborted); // a client that has gone cancels the request, and with it the reads
            }
            writer.WriteStartObject();
            await write(writer, Flush);
            writer.WriteEndObject();
            await Flush();
        }
    }
}
