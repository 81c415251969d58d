using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Runs;
using Marten;

namespace IncidentOrchestrator.Access;

/// <summary>
/// <c>access.grant</c>: what the run's access request asks for, once its own approvers approved it, made with <c>postgres.grant</c>
/// (SELECT on its table) and read back; its end (now plus the request's duration) is recorded on the request. Everything comes
/// from the request, nothing from the playbook: whoever adapts the playbook cannot widen a grant or skip its approvals.
/// </summary>
public sealed class GrantRequestedAccess(NamedConnections connections) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("access.grant")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var request = await RequestedAccess.OfRunAsync(context, ct);
        if (request.WhyNotApproved() is { } why) throw new ActionFailedException(why);
        if (await CatalogueAllows.SuspendedAsync(context.Session, request.Purpose, ct) is { } suspended) throw new ActionFailedException(suspended);
        if (!Durations.TryParse(request.Duration, out var duration) || duration <= TimeSpan.Zero)
            throw new ActionFailedException($"the request's duration '{request.Duration}' is not a duration");
        var granted = await new Grant(connections).ExecuteAsync(context with { Parameters = RequestedAccess.Postgres(request) }, ct);
        if (!await RequestedAccess.CanReadAsync(connections, request, ct))
            throw new ActionFailedException($"after the grant, {request.Grantee} still cannot read {request.Table}");
        var endsAt = context.Now + duration;
        context.RecordOnIncident(new AccessGranted(request.Id, request.Dataset, request.Grantee, request.Connection!, request.Table!, [.. LiveGrants.Granted], endsAt,
            context.Now));
        return new ActionResult(new Dictionary<string, object?>(granted.Outputs) { ["endsAt"] = endsAt, ["canRead"] = true });
    }
}

/// <summary><c>access.revoke</c>: takes back what the run's access request granted, with <c>postgres.revoke</c>, and reads back whether
/// the grantee can still read; a grant another live request still holds is handed over to it instead (see <see cref="RequestedAccess.RevokeAsync"/>).</summary>
public sealed class RevokeRequestedAccess(NamedConnections connections) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("access.revoke")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var request = await RequestedAccess.OfRunAsync(context, ct);
        // A break-glass grant its review rejected is taken back by the reviewer's decision; any other at its end.
        var (by, reason) = request.Review is { Decision: Approvals.ApprovalRule.Rejected } review
            ? (review.By, $"its break-glass review rejected it{(review.Comment is { } comment ? $": {comment}" : "")}")
            : ((string?)null, (string?)null);
        var (outputs, ended) = await RequestedAccess.RevokeAsync(connections, request, context, by, reason, ct);
        context.RecordOnIncident(ended);
        return new ActionResult(outputs);
    }
}

/// <summary>What the access actions share: the request a run carries out, and its grant on the database.</summary>
internal static class RequestedAccess
{
    /// <summary>The access request the run carries out: its subject (a run on an incident grants nothing).</summary>
    public static async Task<AccessRequest> OfRunAsync(ActionContext context, CancellationToken ct) =>
        await context.Session.LoadAsync<AccessRequest>(context.IncidentId, ct) is { Connection: not null, Table: not null } request
            ? request
            : throw new ActionFailedException("this run carries out no access request: access.grant and access.revoke act only in a run of an access request");

    public static Dictionary<string, object?> Postgres(AccessRequest request) => new(StringComparer.Ordinal)
    {
        ["connection"] = request.Connection, ["table"] = request.Table, ["grantee"] = request.Grantee,
        ["privileges"] = string.Join(",", LiveGrants.Granted),
    };

    /// <summary>
    /// Ends the request's grant: revoked and read back (what <c>postgres.revoke</c> said, and the event that records it); or, while
    /// another request's grant still gives the grantee the same access (an extension, another purpose), handed over to it and left in
    /// place, for revoking it would take that one's away too. <paramref name="endingTogether"/> are requests ended in the same breath.
    /// </summary>
    public static async Task<(Dictionary<string, object?> Outputs, object Ended)> RevokeAsync(NamedConnections connections,
        AccessRequest request, ActionContext context, string? by, string? reason, CancellationToken ct, IReadOnlyCollection<Guid>? endingTogether = null)
    {
        var live = await LiveGrants.ListAsync(context.Session, context.Now, ct, request.Connection);
        if (live.Where(r => r.Id != request.Id && endingTogether?.Contains(r.Id) != true).SuccessorOf(request, context.Now) is { } successor)
            return (new Dictionary<string, object?> { ["changed"] = false, ["canRead"] = true, ["handedOverTo"] = successor.Id.ToString() },
                new AccessHandedOver(request.Id, request.Dataset, request.Grantee, request.Table!, successor.Id, successor.EndsAt!.Value, context.Now, by, reason));
        var revoked = await new Revoke(connections).ExecuteAsync(context with { Parameters = Postgres(request) }, ct);
        var stillReads = await CanReadAsync(connections, request, ct);
        return (new Dictionary<string, object?>(revoked.Outputs) { ["canRead"] = stillReads },
            new AccessRevoked(request.Id, request.Dataset, request.Grantee, request.Table!, stillReads, context.Now, by, reason));
    }

    /// <summary>
    /// The access requests that give, or are about to give, <paramref name="grantee"/> access to <paramref name="table"/> (holding a grant, or
    /// pending), each with its stream locked, in the order of their ids: what <see cref="RevokeEveryGrantAsync"/> ends.
    /// </summary>
    public static async Task<IReadOnlyList<(AccessRequest Request, JasperFx.Events.IEventStream<Incidents.Incident> Stream)>> HoldersAsync(
        IDocumentSession session, string connection, string table, string grantee, CancellationToken ct)
    {
        var candidates = await session.Query<AccessRequest>()
            .Where(r => r.Connection == connection && r.Table == table && r.Grantee == grantee
                        && (r.Status == AccessStatuses.Granted || r.Status == AccessStatuses.Unrevoked || r.Status == AccessStatuses.Pending))
            .Select(r => r.Id).ToListAsync(ct);
        var holders = new List<(AccessRequest, JasperFx.Events.IEventStream<Incidents.Incident>)>();
        foreach (var id in candidates.Order())
        {
            var stream = await Incidents.IncidentStreams.ForPersonAsync(session, id, ct);
            if (await session.LoadAsync<AccessRequest>(id, ct) is { MayBeEnded: true } request) holders.Add((request, stream));
        }
        return holders;
    }

    /// <summary>
    /// Takes <paramref name="grantee"/>'s access to <paramref name="table"/> away whatever holds it, for an access review that rejected it: every
    /// privilege revoked on the database (<c>postgres.revoke</c>) and read back; then every request in <paramref name="holders"/> ends, each on its
    /// own stream, its run cancelled: one holding a grant revoked, a pending one (an extension, a grant under way) withdrawn. Unlike a request's
    /// own end, nothing is handed over: the grantee's access is what goes. Throws when the warehouse refuses; nothing is recorded then.
    /// </summary>
    public static async Task<bool> RevokeEveryGrantAsync(NamedConnections connections,
        IReadOnlyList<(AccessRequest Request, JasperFx.Events.IEventStream<Incidents.Incident> Stream)> holders, string connection, string table,
        string grantee, ActionContext context, string by, string reason, Wolverine.OutgoingMessages outgoing, CancellationToken ct)
    {
        await new Revoke(connections).ExecuteAsync(context with
        {
            Parameters = new Dictionary<string, object?> { ["connection"] = connection, ["table"] = table, ["grantee"] = grantee },
        }, ct);
        await using var db = await connections.Get(connection).OpenConnectionAsync(ct);
        var stillReads = await Catalog.CanReadAsync(db, await Catalog.TableAsync(db, table, ct), grantee, ct);
        foreach (var (request, stream) in holders)
        {
            stream.AppendOne(request.HoldsAGrant
                ? new AccessRevoked(request.Id, request.Dataset, request.Grantee, table, stillReads, context.Now, by, reason)
                : new AccessWithdrawn(request.Id, by, reason, context.Now));
            outgoing.Add(new CancelRun(request.RunId, $"ended by {by}: {reason}", by));
        }
        return stillReads;
    }

    /// <summary>What the database says now: can the grantee read the table (directly or through a role it belongs to)?</summary>
    public static async Task<bool> CanReadAsync(NamedConnections connections, AccessRequest request, CancellationToken ct)
    {
        await using var db = await connections.Get(request.Connection!).OpenConnectionAsync(ct);
        return await Catalog.CanReadAsync(db, await Catalog.TableAsync(db, request.Table!, ct), request.Grantee, ct);
    }
}
