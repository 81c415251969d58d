using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Runs;

namespace IncidentOrchestrator.Access;

/// <summary>
/// A request for access as its own stream tells it: asked, decided, granted, revoked, and how its run ended. Kept inline as a
/// snapshot document so that reads see their own writes. Apply methods stay public: Marten dispatches only public conventions.
/// </summary>
public sealed class AccessRequest
{
    public Guid Id { get; set; }
    public int Version { get; set; }
    public string Dataset { get; set; } = "";
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

    /// <summary>pending, granted, ended (granted, then revoked), refused (an approver rejected it) or failed (it ended without a grant).</summary>
    public string Status { get; set; } = AccessStatuses.Pending;

    public List<ApprovalDecision> Decisions { get; set; } = [];
    public DateTimeOffset? GrantedAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndReason { get; set; }

    /// <summary>Why the request may not be granted now, or null: a quorum of distinct approvers other than the requester, and no rejection.</summary>
    public string? WhyNotApproved()
    {
        if (Status is not (AccessStatuses.Pending or AccessStatuses.Granted)) return $"the request is {Status}";
        if (Decisions.FirstOrDefault(d => d.Decision == "rejected") is { } rejected) return $"{rejected.By} rejected the request";
        var approvedBy = Decisions.Where(d => d.Decision == "approved" && d.By != RequestedBy).Select(d => d.By).Distinct().Count();
        return approvedBy >= Quorum ? null : $"the request has {approvedBy} of the {Quorum} approvals it needs";
    }

    public static AccessRequest Create(AccessRequested e) => new()
    {
        Id = e.RequestId, Dataset = e.Dataset, Grantee = e.Grantee, Purpose = e.Purpose, Duration = e.Duration, Reason = e.Reason, Ticket = e.Ticket,
        RequestedBy = e.RequestedBy, RequestedAt = e.At, DatasetHash = e.DatasetHash, CatalogueHash = e.CatalogueHash, Approvers = e.Approvers.ToList(),
        Quorum = e.Quorum, RunId = e.RunId,
    };

    public void Apply(ApprovalDecided e) => Decisions.Add(new ApprovalDecision(e.By, e.Decision, e.Comment, e.At));

    public void Apply(AccessGranted e)
    {
        Status = AccessStatuses.Granted;
        GrantedAt ??= e.At;
        EndsAt = e.EndsAt;
    }

    public void Apply(AccessRevoked e)
    {
        Status = AccessStatuses.Ended;
        EndedAt = e.At;
    }

    public void Apply(PlaybookRunEnded e)
    {
        if (e.RunId != RunId || Status != AccessStatuses.Pending) return;
        Status = Decisions.Any(d => d.Decision == "rejected") ? AccessStatuses.Refused : AccessStatuses.Failed;
        EndedAt = e.At;
        EndReason = e.Reason ?? $"its run ended {e.Status} without a grant";
    }
}

public static class AccessStatuses
{
    public const string Pending = "pending", Granted = "granted", Ended = "ended", Refused = "refused", Failed = "failed";
}
