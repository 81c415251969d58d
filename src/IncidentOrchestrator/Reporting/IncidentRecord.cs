using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Signals;
using IncidentOrchestrator.Timeline;
using Marten;

namespace IncidentOrchestrator.Reporting;

/// <summary>Repeated signals of one source and type, told once: how many, and when they were first and last observed.</summary>
public sealed record SignalSummary(string Source, string Type, int Count, DateTimeOffset FirstObservedAt, DateTimeOffset LastObservedAt);

/// <summary>
/// What the post-incident report is made of, as the caller may see it: the incident, its timeline
/// without the individual signals (they are summarised per source and type instead, so an incident of
/// 20,000 signals makes a report of a few pages), its runs, its evidence and the chain's verdict.
/// <see cref="Redacted"/> says whether sensitive fields are hidden (the timeline already is).
/// </summary>
public sealed record IncidentRecord(Incident Incident, bool Redacted, IReadOnlyList<TimelineItem> Timeline, IReadOnlyList<SignalSummary> Signals,
    IReadOnlyList<PlaybookRun> Runs, IReadOnlyList<EvidenceItem> Evidence, ChainVerification Chain)
{
    /// <summary>The incident's follow-ups, oldest first.</summary>
    public IReadOnlyList<FollowUps.FollowUp> FollowUps { get; init; } = [];

    public static async Task<IncidentRecord?> LoadAsync(Guid id, Caller caller, IQuerySession session, ChainVerifier verifier,
        TimelineEventTypes eventTypes, CancellationToken ct)
    {
        if (await session.LoadAsync<Incident>(id, ct) is not { } incident) return null;
        var redact = Redaction.AppliesTo(caller, incident);
        var signal = eventTypes.StoredName(nameof(SignalReceived))!;
        // the lines every other door shows: stored with each event, or described as read for one without a usable line
        var timeline = new List<TimelineItem>();
        for (long? after = 0; after is { } from;)
        {
            var (items, next) = await StoredLine.ItemsAsync(session, eventTypes, new(id, false, from, StoredLine.MaxPage, [], [signal], null, redact), ct);
            timeline.AddRange(items);
            after = next;
        }
        var signals = await session.AdvancedSql.QueryAsync<SignalSummary>($"""
            select jsonb_build_object('source', data ->> 'source', 'type', data ->> 'type', 'count', count(*),
                   'firstObservedAt', min((data ->> 'observedAt')::timestamptz), 'lastObservedAt', max((data ->> 'observedAt')::timestamptz))
              from {IncidentOrchestratorHost.SchemaName}.mt_events
             where stream_id = ? and type = ?
             group by data ->> 'source', data ->> 'type' order by count(*) desc, data ->> 'source', data ->> 'type'
            """, ct, id, signal);
        var runs = await session.Query<PlaybookRun>().Where(r => r.IncidentId == id).OrderBy(r => r.StartedAt).ToListAsync(ct);
        var evidence = await session.Query<EvidenceItem>().Where(e => e.IncidentId == id).OrderBy(e => e.CapturedAt).ToListAsync(ct);
        var followUps = await session.Query<FollowUps.FollowUp>().Where(f => f.IncidentId == id).OrderBy(f => f.CreatedAt).ToListAsync(ct);
        return new IncidentRecord(incident, redact, timeline,
            signals.ToList(),
            runs.ToList(), evidence.ToList(), await verifier.VerifyAsync(id, ct)) { FollowUps = followUps };
    }
}
