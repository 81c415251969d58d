using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Incidents.GettingDetails;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;
using IncidentOrchestrator.Timeline;
using Microsoft.AspNetCore.Mvc;

namespace IncidentOrchestrator.Web.Pages;

/// <summary>Everything the incident page shows, gathered behind the need-to-know gate.</summary>
public sealed record IncidentView(
    Caller Signed, IncidentDetails Incident, IReadOnlyList<TimelineItem> Timeline, long? OlderThan,
    bool ShowSystem, IReadOnlyList<RunView> Runs, IReadOnlyList<TaskView> Tasks, IReadOnlyList<ApprovalView> Approvals,
    IReadOnlyList<EvidenceSummary> Evidence, IReadOnlyList<PlaybookSummary> Playbooks, ProblemDetails? Problem = null)
{
    public IReadOnlyList<FollowUps.FollowUpView> FollowUps { get; init; } = [];

    /// <summary>The trackers follow-ups can be exported to, by name.</summary>
    public IReadOnlyList<string> Trackers { get; init; } = [];

    /// <summary>Whether the caller takes part in the incident: creates and moves its follow-ups.</summary>
    public bool TakesPart { get; init; }

    /// <summary>Whether the caller may write the review now (they take part, and the incident is not closed).</summary>
    public bool MayWriteReview { get; init; }

    /// <summary>Which part of the page <see cref="Problem"/> belongs to: <c>review</c>, <c>followups</c>, or null for the actions.</summary>
    public string? ProblemFor { get; init; }

    public ProblemDetails? ProblemAt(string? part) => ProblemFor == part ? Problem : null;

    /// <summary>What the person typed in the refused form, so that only the wrong field needs fixing.</summary>
    public IReadOnlyDictionary<string, string> Typed { get; init; } = new Dictionary<string, string>();

    /// <summary>The value a field of <paramref name="part"/>'s form shows: what was typed when that form was refused, else <paramref name="otherwise"/>.</summary>
    public string? TypedIn(string part, string field, string? otherwise = null) =>
        ProblemFor == part && Typed.TryGetValue(field, out var typed) ? typed : otherwise;

    /// <summary>The review is shown once the incident is resolved, or as soon as someone writes in it.</summary>
    public bool ShowsReview => Incident.Status is IncidentStatus.Resolved or IncidentStatus.Reviewing or IncidentStatus.Closed
                               || Incident.Review.Missing.Count < Incidents.Reviewing.ReviewFields.All.Count || Incident.Review.Decisions.Count > 0;

    public bool IsCommander => Signed.Roles.Contains(Roles.Commander);
    public bool MayHandOver => Incidents.Commanders.HandOverCommandEndpoint.MayHandOver(Incident.Commander, Signed);
    public long LatestSequence => Timeline.Count == 0 ? 0 : Timeline.Max(t => t.Sequence);
}
