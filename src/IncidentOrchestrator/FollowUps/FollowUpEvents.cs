using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.FollowUps;

/// <summary>An event of a follow-up. Follow-ups are recorded on their incident's stream, so they share its need-to-know, timeline and chain.</summary>
public interface IFollowUpEvent
{
    Guid IncidentId { get; }
    Guid FollowUpId { get; }
}

/// <summary>
/// Work the incident's review (or its playbook) decided on, owned by a person until it is done. The incident's severity and restriction are
/// recorded with it, as they were, for the figures that count follow-ups by severity and for who may see it.
/// </summary>
/// <param name="Step">The playbook step that created it (<c>run:step</c>), or null when a person did.</param>
public sealed record FollowUpCreated(
    Guid IncidentId, Guid FollowUpId, [property: Sensitive] string Title, [property: Sensitive] string? Description, string Owner, DateTimeOffset DueAt,
    string Priority, IReadOnlyList<string> Tags, Severity Severity, bool Restricted, string By, DateTimeOffset At, string? Step = null)
    : ITimelineEvent, IFollowUpEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Follow-up for {Owner}, due {DueAt:yyyy-MM-dd}: {Title}";
}

/// <summary>A follow-up moved from one status to another (<see cref="FollowUpStatuses"/>); <c>wont-do</c> carries its reason.</summary>
public sealed record FollowUpStatusChanged(
    Guid IncidentId, Guid FollowUpId, [property: Sensitive] string Title, string From, string Status, [property: Sensitive] string? Reason, string By,
    DateTimeOffset At) : ITimelineEvent, IFollowUpEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => Status switch
    {
        FollowUpStatuses.Done => "Follow-up done: ",
        FollowUpStatuses.WontDo => "Follow-up will not be done: ",
        FollowUpStatuses.InProgress => "Follow-up in progress: ",
        _ when FollowUpStatuses.IsPending(From) => "Follow-up back to open: ",
        _ => "Follow-up reopened: ",
    } + Title + (Reason is null ? "" : $" ({Reason})");
}

/// <summary>The follow-up's owner was reminded that it is due soon.</summary>
public sealed record FollowUpReminded(Guid IncidentId, Guid FollowUpId, string Owner, DateTimeOffset DueAt, DateTimeOffset At)
    : ISystemEvent, IFollowUpEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"{Owner} reminded of a follow-up due {DueAt:yyyy-MM-dd}";
}

/// <summary>An overdue follow-up was escalated: first to the incident's commander, then to leadership.</summary>
public sealed record FollowUpEscalated(Guid IncidentId, Guid FollowUpId, string To, int Level, DateTimeOffset DueAt, DateTimeOffset At)
    : ITimelineEvent, IFollowUpEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Follow-up overdue since {DueAt:yyyy-MM-dd}: escalated to {To}";
}
