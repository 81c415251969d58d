using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Access;

/// <summary>
/// Someone asked for access to a catalogued dataset, for a purpose and a time; checked against the catalogue version named, whose
/// connection, table, approvers and quorum it records: what is granted, and who must approve it, is the request's, not a playbook's.
/// </summary>
public sealed record AccessRequested(
    Guid RequestId, string Dataset, string? Connection, string? Table, string Grantee, string Purpose, string Duration, [property: Sensitive] string Reason, string? Ticket,
    string RequestedBy, string DatasetHash, string CatalogueHash, IReadOnlyList<string> Approvers, int Quorum, Guid RunId, DateTimeOffset At,
    Guid? Extends = null, bool BreakGlass = false) : ITimelineEvent
{
    string ITimelineEvent.Actor => RequestedBy;
    string ITimelineEvent.Describe() =>
        $"{RequestedBy} {(BreakGlass ? "broke the glass" : "asked")} for {Grantee} to read {Dataset} for {Duration}, for {Purpose}{(Extends is { } extended ? $", extending request {extended}" : "")}: {Reason}";
}

/// <summary>The access was granted on the database and read back: <see cref="Grantee"/> can read until <see cref="EndsAt"/>.</summary>
public sealed record AccessGranted(Guid RequestId, string Dataset, string Grantee, string Connection, string Table, IReadOnlyList<string> Privileges,
    DateTimeOffset EndsAt, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"{Grantee} was granted {string.Join(", ", Privileges)} on {Table} until {EndsAt:u} (read back)";
}

/// <summary>The access was taken back on the database and read back: at its end, or earlier by <see cref="By"/> for <see cref="Reason"/>.</summary>
public sealed record AccessRevoked(Guid RequestId, string Dataset, string Grantee, string Table, bool CouldStillRead, DateTimeOffset At,
    string? By = null, [property: Sensitive] string? Reason = null) : ITimelineEvent
{
    string ITimelineEvent.Actor => By ?? "system";
    string ITimelineEvent.Describe() => CouldStillRead
        ? $"{Grantee}'s grant on {Table} was revoked, yet {Grantee} can still read it through another role"
        : $"{Grantee}'s grant on {Table} was revoked (read back: no access)";
}

/// <summary>The request was withdrawn before it was granted: by its requester, an approver or an administrator.</summary>
public sealed record AccessWithdrawn(Guid RequestId, string By, [property: Sensitive] string Reason, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"{By} withdrew the request: {Reason}";
}

/// <summary>Nobody decided the request within <see cref="PendingFor"/> (<c>Access__PendingFor</c>): it expired, granting nothing.</summary>
public sealed record AccessRequestExpired(Guid RequestId, string PendingFor, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"The request was not decided within {PendingFor} and expired; nothing was granted";
}

/// <summary>
/// The request's time ended while another request's grant (<see cref="To"/>, an extension or another purpose) still gives the grantee
/// the same access: the grant stays, held by that request until <see cref="Until"/>, and this request ends without a revoke.
/// </summary>
public sealed record AccessHandedOver(Guid RequestId, string Dataset, string Grantee, string Table, Guid To, DateTimeOffset Until, DateTimeOffset At,
    string? By = null, [property: Sensitive] string? Reason = null) : ITimelineEvent
{
    string ITimelineEvent.Actor => By ?? "system";
    string ITimelineEvent.Describe() => $"{Grantee}'s access to {Table} is held on by request {To} until {Until:u}; this request ended without revoking it";
}

/// <summary>Taking the access back early failed on the database: the grant stands (its run's end takes it back, if its run still runs).</summary>
public sealed record AccessRevokeFailed(Guid RequestId, string By, [property: Sensitive] string Reason, string Error, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"{By} asked to revoke the access early, and the database refused: {Error}";
}

/// <summary>The drift scanner found the request's grant gone from the table before its end: revoked outside the product. The request ends.</summary>
public sealed record AccessFoundRevoked(Guid RequestId, string Dataset, string Grantee, string Table, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "acl-drift-scanner";
    string ITimelineEvent.Describe() => $"{Grantee}'s grant on {Table} was found gone before its end: revoked outside the product";
}
