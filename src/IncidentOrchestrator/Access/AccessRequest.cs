using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Runs;

namespace IncidentOrchestrator.Access;

/// <summary>
/// A request for access as its own stream tells it: asked, decided, granted, revoked, and how its run ended. Kept inline by
/// <see cref="AccessRequestProjection"/> so that reads see their own writes; only <see cref="AccessRequested"/> begins one.
/// </summary>
public sealed class AccessRequest
{
    public Guid Id { get; set; }
    public int Version { get; set; }
    public string Dataset { get; set; } = "";
    public string? Connection { get; set; }
    public string? Table { get; set; }
    public string Grantee { get; set; } = "";
    public string Purpose { get; set; } = "";
    public string Duration { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? Ticket { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public string DatasetHash { get; set; } = "";
    public string CatalogueHash { get; set; } = "";
    public List<string> Approvers { get; set; } = [];
    public int Quorum { get; set; }
    public Guid RunId { get; set; }

    /// <summary>See <see cref="AccessStatuses"/>.</summary>
    public string Status { get; set; } = AccessStatuses.Pending;

    /// <summary>The approvals of its run that ask the request's own approvers for at least its quorum: only their decisions count.</summary>
    public List<Guid> Asked { get; set; } = [];

    /// <summary>A break-glass request's review approvals (asked after its grant), and how the first was decided.</summary>
    public List<Guid> Reviews { get; set; } = [];
    public ApprovalDecision? Review { get; set; }
    public List<ApprovalDecision> Decisions { get; set; } = [];
    public DateTimeOffset? GrantedAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndedBy { get; set; }

    /// <summary>The request that held the access on when this one ended (its extension), or null.</summary>
    public Guid? HandedOverTo { get; set; }

    /// <summary>The request this one extends: granted, it holds that one's access on past its end without a revoke in between.</summary>
    public Guid? Extends { get; set; }

    /// <summary>An emergency the catalogue allows: granted without approval, for at most its break-glass time, reviewed afterwards.</summary>
    public bool BreakGlass { get; set; }
    public string? EndReason { get; set; }

    /// <summary>Its approvers approved it by its quorum (set as their decisions arrive): while it is still pending, its grant is under way.</summary>
    public bool Approved { get; set; }

    /// <summary>What the grant gave (<c>SELECT</c>): more than this on the table is not the request's.</summary>
    public List<string> Privileges { get; set; } = [];

    /// <summary>Why the last attempt to take the access back early failed, while it stands; null otherwise.</summary>
    public string? RevokeFailure { get; set; }

    /// <summary>Why the request may not be granted now, or null: the request's approvers decided by its quorum (<see cref="ApprovalRule"/>),
    /// or it is a break-glass request the catalogue allowed.</summary>
    public string? WhyNotApproved()
    {
        if (Status is not (AccessStatuses.Pending or AccessStatuses.Granted)) return $"the request is {Status}";
        if (BreakGlass) return null; // the catalogue allowed it without approval; its approvers review it once granted
        return ApprovalRule.Outcome(Decisions, Quorum, RequestedBy) switch
        {
            ApprovalRule.Approved => null,
            ApprovalRule.Rejected => $"{Decisions.First(d => d.Decision == ApprovalRule.Rejected).By} rejected the request",
            _ => $"the request has {ApprovalRule.Approvals(Decisions, RequestedBy)} of the {Quorum} approvals it needs from {string.Join(", ", Approvers)}",
        };
    }

    internal static AccessRequest? Begin(object e) => e is AccessRequested r
        ? new AccessRequest
        {
            Id = r.RequestId, Dataset = r.Dataset, Connection = r.Connection, Table = r.Table, Grantee = r.Grantee, Purpose = r.Purpose,
            Duration = r.Duration, Reason = r.Reason, Ticket = r.Ticket, RequestedBy = r.RequestedBy, RequestedAt = r.At, DatasetHash = r.DatasetHash,
            CatalogueHash = r.CatalogueHash, Approvers = r.Approvers.ToList(), Quorum = r.Quorum, RunId = r.RunId, Extends = r.Extends, BreakGlass = r.BreakGlass,
        }
        : null;

    internal void When(object e)
    {
        switch (e)
        {
            case ApprovalRequested review when review.RunId == RunId && BreakGlass:
                Reviews.Add(review.ApprovalId); // granted without approval: what it asks afterwards is a review, not an approval
                break;
            case ApprovalDecided decided when Reviews.Contains(decided.ApprovalId):
                Review ??= new ApprovalDecision(decided.By, decided.Decision, decided.Comment, decided.At);
                break;
            case ApprovalRequested asked when asked.RunId == RunId && AsksEnough(asked.Approvers, asked.Quorum, Approvers, Quorum):
                Asked.Add(asked.ApprovalId);
                break;
            case ApprovalDecided decided when Asked.Contains(decided.ApprovalId):
                Decisions.Add(new ApprovalDecision(decided.By, decided.Decision, decided.Comment, decided.At));
                Approved = ApprovalRule.Outcome(Decisions, Quorum, RequestedBy) == ApprovalRule.Approved;
                break;
            case AccessGranted granted:
                // A grant that lands after the request was withdrawn or expired (its action was under way) stands with nothing
                // to take it back: the drift scanner reports it, and it can be revoked.
                if (Status is not (AccessStatuses.Pending or AccessStatuses.Granted))
                    EndReason = $"granted after it was {Status}, so nothing takes it back at its end; revoke it";
                Status = Status is AccessStatuses.Pending or AccessStatuses.Granted ? AccessStatuses.Granted : AccessStatuses.Unrevoked;
                GrantedAt ??= granted.At;
                EndsAt = granted.EndsAt;
                Connection ??= granted.Connection;
                Table ??= granted.Table;
                Privileges = [.. granted.Privileges];
                break;
            case AccessHandedOver handed when HoldsAGrant:
                Status = AccessStatuses.Ended;
                (EndedAt, EndedBy, HandedOverTo, RevokeFailure) = (handed.At, handed.By, handed.To, null);
                EndReason = handed.Reason ?? $"handed over to request {handed.To}, which holds the access until {handed.Until:u}";
                break;
            case AccessRevoked revoked when HoldsAGrant:
                Status = AccessStatuses.Ended;
                (EndedAt, EndedBy, RevokeFailure) = (revoked.At, revoked.By, null);
                EndReason = revoked.Reason ?? (revoked.By is null ? "its time ended" : null);
                break;
            case AccessFoundRevoked found when Status == AccessStatuses.Granted:
                Status = AccessStatuses.Ended;
                (EndedAt, EndedBy, RevokeFailure) = (found.At, "acl-drift-scanner", null);
                EndReason = "its grant was found gone from the database before its end: revoked outside the product";
                break;
            case AccessRevokeFailed failed when HoldsAGrant:
                RevokeFailure = $"{failed.By} asked to revoke it ({failed.Reason}) at {failed.At:u}, and the database refused: {failed.Error}";
                break;
            case AccessWithdrawn withdrawn when Status == AccessStatuses.Pending:
                (Status, EndedAt, EndedBy, EndReason) = (AccessStatuses.Withdrawn, withdrawn.At, withdrawn.By, withdrawn.Reason);
                break;
            case AccessRequestExpired expired when Status == AccessStatuses.Pending:
                (Status, EndedAt, EndReason) = (AccessStatuses.Expired, expired.At, $"not decided within {expired.PendingFor}");
                break;
            case PlaybookRunEnded ended when ended.RunId == RunId:
                RunEnded(ended);
                break;
        }
    }

    /// <summary>When its approvers settled it: the decision that made the quorum, or the first rejection; null while undecided.</summary>
    public DateTimeOffset? DecidedAt()
    {
        var seen = new List<ApprovalDecision>();
        foreach (var decision in Decisions.OrderBy(d => d.At))
        {
            seen.Add(decision);
            if (ApprovalRule.Outcome(seen, Quorum, RequestedBy) is not null) return decision.At;
        }
        return null;
    }

    /// <summary>Whether a grant of this request is on the database, as far as its stream knows.</summary>
    public bool HoldsAGrant => Status is AccessStatuses.Granted or AccessStatuses.Unrevoked;

    /// <summary>Whether it can be ended now: withdrawn while pending, or revoked while it holds a grant.</summary>
    public bool MayBeEnded => Status == AccessStatuses.Pending || HoldsAGrant;

    /// <summary>Whether it can be extended now: only a grant that stands and will end at its time.</summary>
    public bool MayBeExtended => Status == AccessStatuses.Granted;

    /// <summary>Whether an approval asking <paramref name="asked"/> for <paramref name="askedQuorum"/> asks what <paramref name="required"/> and
    /// <paramref name="quorum"/> require: the same approvers, and at least as many of them.</summary>
    public static bool AsksEnough(IEnumerable<string> asked, int askedQuorum, IReadOnlyCollection<string> required, int quorum) =>
        askedQuorum >= quorum && asked.ToHashSet(StringComparer.Ordinal).SetEquals(required);

    private void RunEnded(PlaybookRunEnded ended)
    {
        if (Status == AccessStatuses.Pending)
        {
            Status = ApprovalRule.Outcome(Decisions, Quorum, RequestedBy) == ApprovalRule.Rejected ? AccessStatuses.Refused : AccessStatuses.Failed;
            EndedAt = ended.At;
            EndReason = ended.Reason ?? $"its run ended {ended.Status} without a grant";
        }
        else if (Status == AccessStatuses.Granted)
        {
            // The grant is still on the database and nothing will take it back: the drift scanner reports it from now on.
            Status = AccessStatuses.Unrevoked;
            EndReason = $"its run ended {ended.Status} without taking the access back{(ended.Reason is null ? "" : $": {ended.Reason}")}";
        }
    }
}

public static class AccessStatuses
{
    /// <summary>pending (waiting for its approvers), granted (live until its end), ended (granted, then revoked and read back), refused (an
    /// approver rejected it), withdrawn (before a grant), expired (nobody decided in time), failed (it ended without a grant), unrevoked
    /// (granted, and its run ended without taking it back).</summary>
    public const string Pending = "pending", Granted = "granted", Ended = "ended", Refused = "refused", Withdrawn = "withdrawn", Expired = "expired",
        Failed = "failed", Unrevoked = "unrevoked";

    public static readonly string[] All = [Pending, Granted, Ended, Refused, Withdrawn, Expired, Failed, Unrevoked];
}
