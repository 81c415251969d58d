using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>One grant a review asks its dataset's owner about: a standing role's, or a request's (<see cref="RequestId"/>) that outlives the review's due date.</summary>
public sealed record AccessReviewItem(string Grantee, string Kind, IReadOnlyList<string> Privileges, Guid? RequestId, DateTimeOffset? EndsAt);

/// <summary>
/// A review of who holds access to a dataset began: each grant in <see cref="Items"/> is a task for <see cref="Owner"/>, keep or revoke, due at
/// <see cref="DueBy"/> (then escalated to <see cref="EscalateTo"/>); on a restricted dataset what is still unanswered at <see cref="DeadlineAt"/>
/// is revoked. <see cref="Trigger"/> says why: its catalogue interval, an incident on the dataset, a tightened catalogue, or someone asked.
/// </summary>
public sealed record AccessReviewOpened(Guid ReviewId, string Dataset, string DatasetHash, string Classification, string Connection, string Table,
    string Trigger, Guid? IncidentId, string Owner, IReadOnlyList<string> Stewards, string EscalateTo, IReadOnlyList<AccessReviewItem> Items, DateTimeOffset DueBy, DateTimeOffset DeadlineAt,
    string OpenedBy, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => OpenedBy;
    string ITimelineEvent.Describe() =>
        $"Access review of {Dataset} ({Trigger}): {Items.Count} grant{(Items.Count == 1 ? "" : "s")} for {Owner} to keep or revoke by {DueBy:u}";
}

/// <summary>The owner (or whoever the review's task escalated to) kept a grant, and said why.</summary>
public sealed record AccessReviewKept(Guid ReviewId, string Grantee, [property: Sensitive] string Reason, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"{By} kept {Grantee}'s access: {Reason}";
}

/// <summary>
/// A grant the review rejected (or, on a restricted dataset, left unanswered past its deadline: <see cref="Unanswered"/>) was revoked on the
/// database and read back; a request's grant through its request (whose stream records the revoke too).
/// </summary>
public sealed record AccessReviewRevoked(Guid ReviewId, string Grantee, bool CouldStillRead, string By, [property: Sensitive] string? Reason, bool Unanswered,
    DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => (Unanswered ? $"Nobody answered for {Grantee}'s access by the review's deadline: revoked" : $"{By} revoked {Grantee}'s access")
        + (CouldStillRead ? $", yet {Grantee} can still read it through another role" : " (read back: no access)");
}

/// <summary>Revoking a grant the review rejected failed on the database: the grant stands, and the item stays open to answer again.</summary>
public sealed record AccessReviewRevokeFailed(Guid ReviewId, string Grantee, string By, string Error, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Revoking {Grantee}'s access failed on the database: {Error}";
}

/// <summary>The review's deadline passed with grants unanswered on a dataset that is not restricted: they stand, and the review is overdue.</summary>
public sealed record AccessReviewOverdue(Guid ReviewId, IReadOnlyList<string> Unanswered, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"The review's deadline passed with {string.Join(", ", Unanswered)} unanswered; their access stands";
}

/// <summary>Every grant of the review was answered.</summary>
public sealed record AccessReviewCompleted(Guid ReviewId, int Kept, int Revoked, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Access review completed: {Kept} kept, {Revoked} revoked";
}
