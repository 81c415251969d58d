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
    public bool IsCommander => Signed.Roles.Contains(Roles.Commander);
    public bool MayHandOver => Incidents.Commanders.HandOverCommandEndpoint.MayHandOver(Incident.Commander, Signed);
    public long LatestSequence => Timeline.Count == 0 ? 0 : Timeline.Max(t => t.Sequence);
}
