using JasperFx.Events;
using Marten.Events.Aggregation;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>A grant under review, and what became of it.</summary>
public sealed class ReviewedGrant
{
    public string Grantee { get; set; } = "";

    /// <summary><c>standing</c>, <c>requested</c> or <c>break-glass</c>.</summary>
    public string Kind { get; set; } = "";
    public List<string> Privileges { get; set; } = [];
    public Guid? RequestId { get; set; }
    public DateTimeOffset? EndsAt { get; set; }

    /// <summary><c>keep</c> or <c>revoke</c> once answered (or revoked unanswered); null while open.</summary>
    public string? Decision { get; set; }

    /// <summary>The revoke was carried out (read back: <see cref="CouldStillRead"/>); a rejected grant is revoked next, so it is settled only then.</summary>
    public bool Revoked { get; set; }

    /// <summary>Kept, or revoked on the database: nothing is left to do for it.</summary>
    public bool Settled => Decision == AccessReviewDecisions.Keep || Revoked;

    /// <summary>The access requests that held the grant and ended with its revoke.</summary>
    public List<Guid> RequestsEnded { get; set; } = [];
    public string? Reason { get; set; }
    public string? By { get; set; }
    public DateTimeOffset? At { get; set; }
    public bool Unanswered { get; set; }
    public bool? CouldStillRead { get; set; }

    /// <summary>Why the last revoke failed, while the grant stands; null otherwise.</summary>
    public string? RevokeFailure { get; set; }
    public int RevokeAttempts { get; set; }
}

/// <summary>
/// A review of a dataset's access as its own stream tells it (kept inline by <see cref="AccessReviewProjection"/>): which grants it asks
/// about, and how each was answered. Whether it is overdue is a matter of the time it is read at (<see cref="IsOverdue"/>), not stored.
/// </summary>
public sealed class AccessReview
{
    public Guid Id { get; set; }
    public string Dataset { get; set; } = "";
    public string DatasetHash { get; set; } = "";
    public string Classification { get; set; } = "";
    public string Connection { get; set; } = "";
    public string Table { get; set; } = "";
    public string Trigger { get; set; } = "";
    public Guid? IncidentId { get; set; }
    public string Owner { get; set; } = "";
    public List<string> Stewards { get; set; } = [];

    /// <summary>Whom its tasks are for: the owner, or who was on call for an on-call owner when it opened.</summary>
    public string AssignedTo { get; set; } = "";
    public string EscalateTo { get; set; } = "";
    public DateTimeOffset? ScheduledFor { get; set; }
    public string OpenedBy { get; set; } = "";
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset DueBy { get; set; }
    public DateTimeOffset DeadlineAt { get; set; }
    public List<ReviewedGrant> Items { get; set; } = [];

    /// <summary><c>open</c> while a grant is unanswered; <c>completed</c> once every grant is.</summary>
    public string Status { get; set; } = AccessReviewStatuses.Open;
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The deadline passed on a dataset that is not restricted, with these grants unanswered (they stand).</summary>
    public List<string> LeftUnanswered { get; set; } = [];

    /// <summary>Who may see it besides privacy and administrators, as principals: its dataset's owner and stewards, and whom its tasks went to.</summary>
    public IReadOnlyList<string> Viewers => [.. new[] { Owner, AssignedTo, EscalateTo }.Concat(Stewards).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>Who may see it: those who answer for its dataset (<see cref="Viewers"/>), privacy and administrators.</summary>
    public bool MaySee(Security.Caller caller) => Catalogue.DatasetGrantsRead.MaySee(caller, Owner, Stewards) || Viewers.Any(caller.IsAddressedAs);

    /// <summary>Whether its deadline revokes what is left unanswered: on a restricted dataset.</summary>
    public bool RevokesUnanswered => Classification == Playbooks.Catalogue.Classifications.Restricted;

    public bool IsOverdue(DateTimeOffset now) => Status == AccessReviewStatuses.Open && now > DueBy;

    public ReviewedGrant? Item(string grantee) => Items.FirstOrDefault(i => i.Grantee == grantee);

    internal static AccessReview? Begin(object e) => e is AccessReviewOpened o
        ? new AccessReview
        {
            Id = o.ReviewId, Dataset = o.Dataset, DatasetHash = o.DatasetHash, Classification = o.Classification, Connection = o.Connection, Table = o.Table,
            Trigger = o.Trigger, IncidentId = o.IncidentId, Owner = o.Owner, Stewards = [.. o.Stewards], AssignedTo = string.IsNullOrEmpty(o.AssignedTo) ? o.Owner : o.AssignedTo, EscalateTo = o.EscalateTo,
            OpenedBy = o.OpenedBy, OpenedAt = o.At, ScheduledFor = o.ScheduledFor,
            DueBy = o.DueBy, DeadlineAt = o.DeadlineAt, Status = o.Items.Count == 0 ? AccessReviewStatuses.Completed : AccessReviewStatuses.Open,
            CompletedAt = o.Items.Count == 0 ? o.At : null,
            Items = o.Items.Select(i => new ReviewedGrant
            {
                Grantee = i.Grantee, Kind = i.Kind, Privileges = [.. i.Privileges], RequestId = i.RequestId, EndsAt = i.EndsAt,
            }).ToList(),
        }
        : null;

    internal void When(object e)
    {
        switch (e)
        {
            case AccessReviewKept kept when Item(kept.Grantee) is { Decision: null } item:
                (item.Decision, item.Reason, item.By, item.At, item.RevokeFailure) = (AccessReviewDecisions.Keep, kept.Reason, kept.By, kept.At, null);
                break;
            case AccessReviewRejected rejected when Item(rejected.Grantee) is { Decision: null } item:
                (item.Decision, item.Reason, item.By, item.At) = (AccessReviewDecisions.Revoke, rejected.Reason, rejected.By, rejected.At);
                break;
            case AccessReviewRevoked revoked when Item(revoked.Grantee) is { Revoked: false } item && item.Decision != AccessReviewDecisions.Keep:
                if (item.Decision is null)
                    (item.Decision, item.Reason, item.By, item.At, item.Unanswered) =
                        (AccessReviewDecisions.Revoke, revoked.Reason, revoked.By, revoked.At, revoked.Unanswered);
                (item.Revoked, item.CouldStillRead, item.RevokeFailure, item.RequestsEnded) = (true, revoked.CouldStillRead, null, [.. revoked.RequestsEnded ?? []]);
                break;
            case AccessReviewRevokeFailed failed when Item(failed.Grantee) is { Revoked: false } item:
                item.RevokeFailure = $"revoking it failed at {failed.At:u} (attempt {failed.Attempt}): {failed.Error}";
                item.RevokeAttempts = failed.Attempt;
                break;
            case AccessReviewOverdue overdue:
                LeftUnanswered = [.. overdue.Unanswered];
                break;
            case AccessReviewCompleted completed:
                (Status, CompletedAt) = (AccessReviewStatuses.Completed, completed.At);
                break;
        }
    }
}

public static class AccessReviewStatuses
{
    public const string Open = "open", Completed = "completed";
    public static readonly string[] All = [Open, Completed];
}

public static class AccessReviewDecisions
{
    public const string Keep = "keep", Revoke = "revoke";
    public static readonly List<string> All = [Keep, Revoke];
}

/// <summary>The review, kept inline from its stream; only <see cref="AccessReviewOpened"/> begins one.</summary>
public sealed class AccessReviewProjection : SingleStreamProjection<AccessReview, Guid>
{
    public override AccessReview? Evolve(AccessReview? snapshot, Guid id, IEvent e)
    {
        // Only its own stream begins one: an incident's timeline may tell of the review it opened.
        if (snapshot is null) return e.Data is AccessReviewOpened opened && opened.ReviewId == id ? AccessReview.Begin(opened) : null;
        snapshot.When(e.Data);
        return snapshot;
    }
}
