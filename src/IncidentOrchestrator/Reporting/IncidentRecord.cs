using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Timeline;
using Marten;

namespace IncidentOrchestrator.Reporting;

/// <summary>
/// Everything the service holds about one incident, as the caller may see it: what the report and
/// the export are both made of. <see cref="Redacted"/> says whether sensitive fields are hidden
/// (the timeline already is; evidence content and chain text are left to the caller to hide).
/// </summary>
public sealed record IncidentRecord(Incident Incident, bool Redacted, IReadOnlyList<TimelineItem> Timeline, IReadOnlyList<PlaybookRun> Runs,
    IReadOnlyList<EvidenceItem> Evidence, ChainVerification Chain, IReadOnlyList<ChainVerifier.Link> Links)
{
    public static async Task<IncidentRecord?> LoadAsync(Guid id, Caller caller, IQuerySession session, ChainVerifier verifier, CancellationToken ct)
    {
        if (await session.LoadAsync<Incident>(id, ct) is not { } incident) return null;
        var redact = Redaction.AppliesTo(caller, incident);
        var timeline = TimelineProjection.Project(await session.Events.FetchStreamAsync(id, token: ct), redact);
        var runs = await session.Query<PlaybookRun>().Where(r => r.IncidentId == id).OrderBy(r => r.StartedAt).ToListAsync(ct);
        var evidence = await session.Query<EvidenceItem>().Where(e => e.IncidentId == id).OrderBy(e => e.CapturedAt).ToListAsync(ct);
        var (chain, links) = await verifier.VerifyWithLinksAsync(id, ct);
        return new IncidentRecord(incident, redact, timeline, runs.ToList(), evidence.ToList(), chain, links);
    }
}
