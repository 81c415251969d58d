using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>One grant a review asks its dataset's owner about: a standing role's, or a request's (<see cref="RequestId"/>) that outlives the review's due date.</summary>
public sealed record AccessReviewItem(string Grantee, string Kind, IReadOnlyList<string> Privileges, Guid? RequestId, DateTimeOffset? EndsAt);

/// <summary>
/// A review of who holds access to a dataset began: each grant in <see cref="Items"/> is a task for <see cref="AssignedTo"/> (its owner, resolved
/// when the owner is an on-call rotation), keep or revoke, due at <see cref="DueBy"/> (then escalated to <see cref="EscalateTo"/>); on a
/// restricted dataset what is still unanswered at <see cref="DeadlineAt"/> is revoked. <see cref="Trigger"/> says why: its catalogue interval
/// (<see cref="ScheduledFor"/>, the time it was due), an incident on the dataset, a tightened catalogue, or someone asked.
/// </summary>
public sealed record AccessReviewOpened(Guid ReviewId, string Dataset, string DatasetHash, string Classification, string Connection, string Table,
    string Trigger, Guid? IncidentId, string Owner, IReadOnlyList<string> Stewards, string AssignedTo, string EscalateTo, IReadOnlyList<AccessReviewItem> Items,
    DateTimeOffset DueBy, DateTimeOffset DeadlineAt, string OpenedBy, DateTimeOffset At, DateTimeOffset? ScheduledFor = null) : ITimelineEvent
{
    string ITimelineEvent.Actor => OpenedBy;
    string ITimelineEvent.Describe() =>
        $"Access review of {Dataset} ({Trigger}): {Items.Count} grant{(Items.Count == 1 ? "" : "s")} for {AssignedTo} to keep or revoke by {DueBy:u}";
}

/// <summary>
/// What an incident's timeline says of the review it opened (<c>access.review</c>): which, of which dataset and how many grants, never whose:
/// the grants are for those who answer for the dataset, not for everyone on the incident.
/// </summary>
public sealed record AccessReviewOpenedForIncident(Guid IncidentId, Guid ReviewId, string Dataset, int Grants, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Access review {ReviewId} of {Dataset} opened: {Grants} grant{(Grants == 1 ? "" : "s")} put to its owner";
}

/// <summary>The owner (or whoever the review's task escalated to) kept a grant, and said why.</summary>
public sealed record AccessReviewKept(Guid ReviewId, string Grantee, [property: Sensitive] string Reason, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"{By} kept {Grantee}'s access: {Reason}";
}

/// <summary>The owner (or whoever the review's task escalated to) rejected a grant: it is revoked next (<see cref="AccessReviewRevoked"/>).</summary>
public sealed record AccessReviewRejected(Guid ReviewId, string Grantee, [property: Sensitive] string Reason, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"{By} rejected {Grantee}'s access: it is being revoked";
}

/// <summary>
/// A grant the review rejected (or, on a restricted dataset, left unanswered past its deadline: <see cref="Unanswered"/>) was revoked on the
/// database and read back; the access requests that held it ended (<see cref="RequestsEnded"/>, each recording the revoke on its own stream).
/// </summary>
public sealed record AccessReviewRevoked(Guid ReviewId, string Grantee, bool CouldStillRead, string By, [property: Sensitive] string? Reason, bool Unanswered,
    DateTimeOffset At, IReadOnlyList<Guid>? RequestsEnded = null) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => (Unanswered ? $"Nobody answered for {Grantee}'s access by the review's deadline: revoked" : $"{By} revoked {Grantee}'s access")
        + (CouldStillRead ? $", yet {Grantee} can still read it through another role" : " (read back: no access)");
}

/// <summary>Revoking a grant failed on the database (attempt <see cref="Attempt"/>): the grant stands; it is tried again, a few times.</summary>
public sealed record AccessReviewRevokeFailed(Guid ReviewId, string Grantee, string By, string Error, DateTimeOffset At, int Attempt = 1) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Revoking {Grantee}'s access failed on the database (attempt {Attempt}): {Error}";
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
