namespace IncidentOrchestrator.Contracts;

/// <summary>The body of <c>POST /api/access-requests</c>: who is to read which catalogued dataset, for what, for how long, and why.</summary>
/// <param name="Grantee">The database role that is to read the dataset.</param>
/// <param name="Duration">How long the grant lasts (<c>8h</c>, <c>14d</c>): at most the dataset's <c>maxGrant</c>.</param>
/// <param name="MayEnd">Whether it can be ended now (<c>POST …/revoke</c>): withdrawn while pending, revoked while it holds a grant.</param>
/// <param name="MayExtend">Whether it can be extended now (<c>POST …/extend</c>).</param>
/// <param name="BreakGlass">An emergency: granted at once, without approval, for at most the dataset's break-glass time, where the catalogue
/// allows it; its approvers are told at once and review it.</param>
public sealed record RequestAccess(string? Dataset, string? Grantee, string? Purpose, string? Duration, string? Reason, string? Ticket = null,
    bool? BreakGlass = null);

/// <summary>The body of <c>POST /api/access-requests/{id}/revoke</c>: why the access ends before its time.</summary>
public sealed record EndAccess(string? Reason);

/// <summary>The body of <c>POST /api/access-requests/{id}/extend</c>: for how much longer (from the extension's grant), and why.</summary>
public sealed record ExtendAccess(string? Duration, string? Reason);

/// <summary>A request taken: its id (<c>/api/access-requests/{id}</c>) and the run of the access-request playbook that carries it.</summary>
public sealed record AccessRequestAccepted(Guid RequestId, Guid RunId);

/// <summary>One decision on a request.</summary>
public sealed record AccessDecisionView(string By, string Decision, string? Comment, DateTimeOffset At);

/// <summary>A request for access as its stream tells it.</summary>
/// <param name="Status">pending (waiting for its approvers), granted (live until <paramref name="EndsAt"/>), ended (granted, then revoked and
/// read back, or handed over to its extension), refused (an approver rejected it), withdrawn (before a grant), expired (nobody decided in
/// time), failed (it ended without a grant), or unrevoked (a grant stands that nothing will take back: its run ended without taking it back,
/// or it landed after the request was withdrawn; the drift scanner reports it, and it can be revoked).</param>
/// <param name="Decisions">The decisions that count: those on approvals asking the request's own approvers for at least its quorum.</param>
/// <param name="EndedBy">Who took it back early, or null (at its end, or never granted).</param>
/// <param name="Run">Its run of the access-request playbook, step by step.</param>
/// <param name="Extends">The request it extends, or null.</param>
/// <param name="BreakGlass">An emergency grant, made without approval and reviewed afterwards.</param>
/// <param name="RevokeFailure">Why the last attempt to take it back early failed, while the grant stands.</param>
/// <param name="HandedOverTo">The request that held its access on when it ended (its extension), or null.</param>
public sealed record AccessRequestView(Guid RequestId, string Dataset, string Grantee, string Purpose, string Duration, string Reason, string? Ticket,
    string RequestedBy, DateTimeOffset RequestedAt, IReadOnlyList<string> Approvers, int Quorum, string Status,
    IReadOnlyList<AccessDecisionView> Decisions, DateTimeOffset? GrantedAt, DateTimeOffset? EndsAt, DateTimeOffset? EndedAt, string? EndReason,
    string DatasetHash, string CatalogueHash, Guid RunId, string? Connection = null, string? Table = null, string? EndedBy = null, RunView? Run = null,
    Guid? Extends = null, Guid? HandedOverTo = null, string? RevokeFailure = null, bool BreakGlass = false, bool MayEnd = false, bool MayExtend = false);

/// <summary>The body of <c>POST /api/catalogue/replay</c>: a candidate version of one dataset's file; with <paramref name="OpenReview"/>, the
/// live grants it would refuse (and the standing roles it drops) are put to the dataset's owner in an access review.</summary>
public sealed record ReplayCatalogue(string? Text, bool? OpenReview = null);

/// <summary>A request a candidate dataset file would refuse, and why.</summary>
public sealed record CatalogueReplayedRequest(Guid RequestId, string Grantee, string Status, string Purpose, string Duration, bool BreakGlass,
    DateTimeOffset? EndsAt, IReadOnlyList<string> Refused);

/// <summary>What a candidate dataset file would refuse of the access already granted and approved.</summary>
/// <param name="Live">Grants that stand now (and requests still pending) that it would refuse.</param>
/// <param name="Past">Requests granted before, now ended, whose approval it would not have given.</param>
/// <param name="StandingDropped">Roles that read it without asking now and would not under the candidate.</param>
/// <param name="ReviewId">The access review opened for those grants, when asked for and there were any.</param>
public sealed record CatalogueReplayed(string Dataset, string CandidateHash, string? CurrentHash, IReadOnlyList<CatalogueReplayedRequest> Live,
    IReadOnlyList<CatalogueReplayedRequest> Past, IReadOnlyList<string> StandingDropped, Guid? ReviewId = null);
