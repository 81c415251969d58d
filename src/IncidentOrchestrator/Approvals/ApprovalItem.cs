using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Approvals;

/// <summary>An approval step waiting for decisions: a quorum of distinct people, any one rejection ends it.</summary>
/// <remarks>Saved with optimistic concurrency: a decision, its due timer and the run's end cannot overwrite each other.</remarks>
[Marten.Schema.UseOptimisticConcurrency]
public sealed class ApprovalItem
{
    public const string Open = "open";

    /// <summary>The statuses a list may filter by: open, or how it ended.</summary>
    public static readonly string[] Statuses = [Open, "approved", "rejected", "cancelled"];

    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }

    /// <summary>What its run acts for: an incident, or an access request (<see cref="IncidentId"/> is then the request's id).</summary>
    public string Subject { get; set; } = Playbooks.Model.Subjects.Incident;
    public Guid RunId { get; set; }
    public string StepId { get; set; } = "";
    public string Title { get; set; } = "";
    public List<string> Approvers { get; set; } = [];
    public int Quorum { get; set; } = 1;

    /// <summary>Who started the run: they cannot approve their own request (separation of duties).</summary>
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? DueBy { get; set; }
    public List<ApprovalDecision> Decisions { get; set; } = [];

    /// <summary>null while open; then approved, rejected or cancelled.</summary>
    public string? Outcome { get; set; }
}

public sealed record ApprovalDecision(string By, string Decision, string? Comment, DateTimeOffset At);

/// <summary>How decisions settle an approval, wherever they are counted: any one rejection rejects; a quorum of distinct people
/// approves; whoever asked never counts.</summary>
public static class ApprovalRule
{
    public const string Approved = "approved", Rejected = "rejected";

    /// <summary>The distinct people other than <paramref name="requestedBy"/> who approved.</summary>
    public static IReadOnlyList<string> ApprovedBy(IEnumerable<ApprovalDecision> decisions, string requestedBy) =>
        decisions.Where(d => d.Decision == Approved && d.By != requestedBy).Select(d => d.By).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>How many distinct people other than <paramref name="requestedBy"/> approved.</summary>
    public static int Approvals(IEnumerable<ApprovalDecision> decisions, string requestedBy) => ApprovedBy(decisions, requestedBy).Count;

    /// <summary>approved, rejected, or null while it waits for more decisions.</summary>
    public static string? Outcome(IReadOnlyCollection<ApprovalDecision> decisions, int quorum, string requestedBy) =>
        decisions.Any(d => d.Decision == Rejected && d.By != requestedBy) ? Rejected
        : Approvals(decisions, requestedBy) >= quorum ? Approved
        : null;
}

public sealed record ApprovalRequested(Guid IncidentId, Guid ApprovalId, Guid RunId, string StepId, string Title, List<string> Approvers,
    int Quorum, DateTimeOffset? DueBy, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Approval requested from {string.Join(", ", Approvers)} ({Quorum} needed): {Title}";
}

public sealed record ApprovalDecided(Guid IncidentId, Guid ApprovalId, string StepId, string Decision, [property: Sensitive] string? Comment, string By, DateTimeOffset At)
    : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => Comment is null ? $"{By} decided {Decision} on {StepId}" : $"{By} decided {Decision} on {StepId}: {Comment}";
}

public sealed record ApprovalOverdue(Guid IncidentId, Guid ApprovalId, string StepId, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Approval of {StepId} is overdue; it stays open and is escalated to the commander";
}
