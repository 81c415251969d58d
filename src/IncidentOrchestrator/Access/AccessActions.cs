using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Access;

/// <summary>
/// <c>access.grant</c>: what an approved request asks for, made with <c>postgres.grant</c> (SELECT on the table) and read back;
/// its end (now plus <c>for</c>) is recorded on the request. A grant the database does not show afterwards fails the step.
/// </summary>
public sealed class GrantRequestedAccess(NamedConnections connections) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("access.grant")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        if (!Durations.TryParse(context.Text("for"), out var duration) || duration <= TimeSpan.Zero)
            throw new ActionFailedException($"'for' must be a duration, not '{context.Text("for")}'");
        var granted = await new Grant(connections).ExecuteAsync(context with { Parameters = Postgres(context) }, ct);
        var table = context.Text("table");
        if (!await CanReadAsync(connections, context, ct))
            throw new ActionFailedException($"after the grant, {context.Text("grantee")} still cannot read {table}");
        var endsAt = context.Now + duration;
        context.RecordOnIncident(new AccessGranted(RequestOf(context), context.Text("dataset"), context.Text("grantee"), context.Text("connection"), table,
            ["SELECT"], endsAt, context.Now));
        return new ActionResult(new Dictionary<string, object?>(granted.Outputs) { ["endsAt"] = endsAt, ["canRead"] = true });
    }

    internal static Dictionary<string, object?> Postgres(ActionContext context) => new(StringComparer.Ordinal)
    {
        ["connection"] = context.Text("connection"), ["table"] = context.Text("table"), ["grantee"] = context.Text("grantee"),
    };

    internal static Guid RequestOf(ActionContext context) => Guid.TryParse(context.Text("request"), out var id)
        ? id : throw new ActionFailedException($"'request' must be an access request's id, not '{context.Text("request")}'");

    /// <summary>What the database says now: can the grantee read the table (directly or through a role it belongs to)?</summary>
    internal static async Task<bool> CanReadAsync(NamedConnections connections, ActionContext context, CancellationToken ct)
    {
        await using var db = await connections.Get(context.Text("connection")).OpenConnectionAsync(ct);
        var table = await Catalog.TableAsync(db, context.Text("table"), ct);
        return await Catalog.ScalarAsync(db, "select has_table_privilege($1, $2::regclass, 'SELECT')", [context.Text("grantee"), table], ct) == "True";
    }
}

/// <summary><c>access.revoke</c>: takes back what a request granted, with <c>postgres.revoke</c>, and reads back whether the grantee can still read.</summary>
public sealed class RevokeRequestedAccess(NamedConnections connections) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("access.revoke")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var revoked = await new Revoke(connections).ExecuteAsync(context with { Parameters = GrantRequestedAccess.Postgres(context) }, ct);
        var stillReads = await GrantRequestedAccess.CanReadAsync(connections, context, ct);
        context.RecordOnIncident(new AccessRevoked(GrantRequestedAccess.RequestOf(context), context.Text("dataset"), context.Text("grantee"),
            context.Text("table"), stillReads, context.Now));
        return new ActionResult(new Dictionary<string, object?>(revoked.Outputs) { ["canRead"] = stillReads });
    }
}
