using System.Linq.Expressions;
using Marten;

namespace IncidentOrchestrator.Access;

/// <summary>
/// The grants approved requests hold now: with the catalogue's standing roles, the access a dataset may have. One rule for
/// the drift scanner and the grants a dataset's page shows.
/// </summary>
public static class LiveGrants
{
    /// <summary>How long after its end a grant's revoke may still be under way (its run's wait ends a moment after the recorded
    /// end) before the scanner reports the grant as drift.</summary>
    public static readonly TimeSpan RevokeGrace = TimeSpan.FromMinutes(1);

    /// <summary>A request's grant stands at <paramref name="now"/>: granted, and not more than <see cref="RevokeGrace"/> past its end.</summary>
    public static Expression<Func<AccessRequest, bool>> StandAt(DateTimeOffset now)
    {
        var cutoff = now - RevokeGrace;
        return r => r.Status == AccessStatuses.Granted && r.EndsAt > cutoff;
    }

    /// <summary>The requests whose grants stand now, on <paramref name="connection"/> (every connection when null).</summary>
    public static async Task<IReadOnlyList<AccessRequest>> ListAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct,
        string? connection = null)
    {
        var query = session.Query<AccessRequest>().Where(StandAt(now));
        if (connection is not null) query = query.Where(r => r.Connection == connection);
        return await query.ToListAsync(ct);
    }

    /// <summary>The requests whose grants stand now for a purpose that serves <paramref name="programme"/> (<c>train-ai:&lt;programme&gt;</c>).</summary>
    public static async Task<IReadOnlyList<AccessRequest>> ServingAsync(IQuerySession session, string programme, DateTimeOffset now, CancellationToken ct) =>
        (await ListAsync(session, now, ct)).Where(r => Playbooks.Catalogue.Dataset.ProgrammeOf(r.Purpose) == programme).ToList();

    /// <summary>The request whose grant lets <paramref name="grantee"/> hold access to <paramref name="table"/>, among <paramref name="live"/>.</summary>
    public static AccessRequest? Covering(this IEnumerable<AccessRequest> live, string connection, string table, string grantee) =>
        live.Where(r => r.Connection == connection && r.Table == table && r.Grantee == grantee).MaxBy(r => r.EndsAt);
}
