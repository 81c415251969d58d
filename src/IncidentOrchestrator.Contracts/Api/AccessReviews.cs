namespace IncidentOrchestrator.Contracts;

/// <summary>The body of <c>POST /api/access-reviews</c>: the dataset whose access is reviewed now, and optionally how long its owner has to
/// answer (like 3d; by default the service's <c>Access__ReviewWithin</c>).</summary>
public sealed record OpenAccessReview(string? Dataset, string? Within = null);

/// <summary>The body of <c>POST /api/access-reviews/{id}/answer</c>: keep (a reason required) or revoke one grantee's access.</summary>
public sealed record AnswerAccessReview(string? Grantee, string? Decision, string? Reason);

/// <summary>A review opened: its id (<c>/api/access-reviews/{id}</c>) and how many grants it asks about.</summary>
public sealed record AccessReviewAccepted(Guid ReviewId, int Grants);

/// <summary>One grant under review: <c>standing</c>, <c>requested</c> or <c>break-glass</c> (with its request); its answer once given
/// (<c>keep</c> or <c>revoke</c>; <c>unanswered</c> when a restricted dataset's deadline revoked it); once <c>revoked</c> on the database,
/// whether the grantee could still read (read back) and the requests that ended with it; while a revoke keeps failing, why.</summary>
public sealed record AccessReviewItemView(string Grantee, string Kind, IReadOnlyList<string> Privileges, Guid? RequestId, DateTimeOffset? EndsAt,
    string? Decision, string? Reason, string? By, DateTimeOffset? At, bool Unanswered, bool? CouldStillRead, string? RevokeFailure, bool Revoked = false,
    IReadOnlyList<Guid>? RequestsEnded = null);

/// <summary>A review of a dataset's access: why it opened (<c>schedule</c>, <c>incident</c>, <c>catalogue-replay</c>, <c>asked</c>), whom it
/// asks, when answers are due (then escalated) and its deadline (then, on a restricted dataset, what is unanswered is revoked).</summary>
public sealed record AccessReviewView(Guid Id, string Dataset, string Classification, string Table, string Trigger, Guid? IncidentId, string Owner,
    string EscalateTo, string OpenedBy, DateTimeOffset OpenedAt, DateTimeOffset DueBy, DateTimeOffset DeadlineAt, string Status, bool Overdue,
    DateTimeOffset? CompletedAt, IReadOnlyList<AccessReviewItemView> Items, IReadOnlyList<string> LeftUnanswered, string AssignedTo = "",
    bool RevokesUnanswered = false);
