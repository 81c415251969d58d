using System.Linq.Expressions;
using Marten;

namespace IncidentOrchestrator.Access;

/// <summary>
/// The grants approved requests hold now: with the catalogue's standing roles, the access a dataset may have. One rule for
/// the drift scanner and the grants a dataset's page shows.
/// </summary>
public static class LiveGrants
{
    /// <summary>How long after its end a grant's revoke may still be under way (its run's end step retries for up to about forty minutes,
    /// timeouts included, before the run fails and the request becomes unrevoked) before the scanner reports the grant as drift.</summary>
    public static readonly TimeSpan RevokeGrace = TimeSpan.FromMinutes(45);

    /// <summary>
    /// A request's grant stands at <paramref name="now"/>: granted and not more than <see cref="RevokeGrace"/> past its end; or approved
    /// (or break-glass) and still pending, for its grant is under way (the database may show it before the request records it).
    /// </summary>
    public static Expression<Func<AccessRequest, bool>> StandAt(DateTimeOffset now)
    {
        var cutoff = now - RevokeGrace;
        return r => (r.Status == AccessStatuses.Granted && r.EndsAt > cutoff) || (r.Status == AccessStatuses.Pending && (r.Approved || r.BreakGlass));
    }

    /// <summary>The requests whose grants stand now, on <paramref name="connection"/> (every connection when null).</summary>
    public static async Task<IReadOnlyList<AccessRequest>> ListAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct,
        string? connection = null)
    {
        var query = session.Query<AccessRequest>().Where(StandAt(now));
        if (connection is not null) query = query.Where(r => r.Connection == connection);
        return await query.ToListAsync(ct);
    }

    /// <summary>The requests not ended yet (pending, or holding a grant) for a purpose that serves <paramref name="programme"/>
    /// (<c>train-ai:&lt;programme&gt;</c>).</summary>
    public static async Task<IReadOnlyList<AccessRequest>> OpenServingAsync(IQuerySession session, string programme, CancellationToken ct) =>
        (await session.Query<AccessRequest>()
            .Where(r => r.Status == AccessStatuses.Pending || r.Status == AccessStatuses.Granted || r.Status == AccessStatuses.Unrevoked).ToListAsync(ct))
        .Where(r => Playbooks.Catalogue.Dataset.ProgrammeOf(r.Purpose) == programme).ToList();

    /// <summary>The request whose grant lets <paramref name="grantee"/> hold <paramref name="privileges"/> on <paramref name="table"/>, among
    /// <paramref name="live"/>: a request grants what it asked for (SELECT), so a grant of more is none of its.</summary>
    public static AccessRequest? Covering(this IEnumerable<AccessRequest> live, string connection, string table, string grantee,
        IReadOnlyCollection<string>? privileges = null) =>
        live.Where(r => r.Connection == connection && r.Table == table && r.Grantee == grantee
                        && (privileges is null || privileges.All(p => (r.Privileges.Count == 0 ? Granted : r.Privileges).Contains(p, StringComparer.Ordinal))))
            .MaxBy(r => r.EndsAt ?? DateTimeOffset.MaxValue);

    /// <summary>
    /// The request that holds <paramref name="ending"/>'s access on when it ends: one granted on the database now, for the same grantee
    /// and table, that ends after it (by end, then id). The order makes hand-overs one-way: two requests ending at once never hand over
    /// to each other, so one of them revokes.
    /// </summary>
    public static AccessRequest? SuccessorOf(this IEnumerable<AccessRequest> live, AccessRequest ending, DateTimeOffset now) =>
        live.Where(r => r.Status == AccessStatuses.Granted && r.EndsAt > now && r.Connection == ending.Connection && r.Table == ending.Table
                        && r.Grantee == ending.Grantee
                        && (r.EndsAt > ending.EndsAt || (r.EndsAt == ending.EndsAt && r.Id.CompareTo(ending.Id) > 0)))
            .MaxBy(r => r.EndsAt);

    /// <summary>What access.grant grants.</summary>
    public static readonly IReadOnlyList<string> Granted = ["SELECT"];
}
