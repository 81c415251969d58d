using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents.GettingDetails;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Timeline;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Reporting;

/// <summary>
/// One link of the exported chain. <see cref="Data"/> is the exact text that was hashed, so that
/// anyone can recompute the chain offline; it is left out (null) of a redacted export.
/// </summary>
public sealed record ExportedLink(long Sequence, long SeqId, string Type, DateTime Timestamp, string PreviousHash, string? Hash, string? Data);

public sealed record ExportedChain(ChainVerification Verification, string Canonical, IReadOnlyList<ExportedLink> Links);

public sealed record ExportedEvidence(Guid EvidenceId, string Name, int RowCount, bool Truncated, string Sha256, DateTimeOffset CapturedAt,
    string Content);

public sealed record IncidentExport(DateTimeOffset ExportedAt, string ExportedBy, bool Redacted, IncidentDetails Incident,
    IReadOnlyList<TimelineItem> Timeline, IReadOnlyList<RunView> Runs, IReadOnlyList<ExportedEvidence> Evidence, ExportedChain Chain);

public static class ExportEndpoint
{
    public const string CanonicalForm =
        "sha256(previousHash \\n seqId \\n incidentId \\n sequence \\n type \\n timestamp as yyyy-MM-ddTHH:mm:ss.ffffffZ \\n data), lower-case hex; " +
        "the first previousHash is 64 zeros";

    /// <summary>
    /// Everything the service holds about an incident, as JSON, for archives and regulators: redacted
    /// for readers without need-to-know; in full, with the hashed text of every event, for the others.
    /// </summary>
    [WolverineGet("/api/incidents/{id}/export"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, ChainVerifier verifier, PinnedPlaybooks playbooks,
        HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var caller = context.User.Caller();
        if (await IncidentRecord.LoadAsync(id, caller, session, verifier, ct) is not { } record) return Problems.NotFound("Incident", id);
        var redact = record.Redacted;

        var runs = new List<RunView>();
        foreach (var run in record.Runs)
        {
            var playbook = await playbooks.GetAsync(run.PlaybookHash, session, ct);
            runs.Add(RunView.Of(run, playbook.Steps.Select(s => s.Id).ToList(), redact));
        }
        var evidence = record.Evidence
            .Select(e => new ExportedEvidence(e.Id, e.Name, e.RowCount, e.Truncated, e.Sha256, e.CapturedAt, Redaction.Text(e.Content, redact)!))
            .ToList();
        var chain = new ExportedChain(record.Chain, CanonicalForm, record.Links
            .Select(l => new ExportedLink(l.Version, l.SeqId, l.Type, l.Timestamp, l.PreviousHash ?? "", l.StoredHash, redact ? null : l.Data))
            .ToList());

        return TypedResults.Ok(new IncidentExport(clock.GetUtcNow(), caller.Subject, redact, IncidentDetails.From(record.Incident, redact),
            record.Timeline, runs, evidence, chain));
    }
}
