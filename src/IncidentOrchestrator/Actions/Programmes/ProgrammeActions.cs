using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Model;
using Marten;

namespace IncidentOrchestrator.Actions.Programmes;

/// <summary>
/// <c>programme.suspend</c>: the service account can no longer log in nor read the programme's datasets, and every access
/// request granted for a purpose the programme serves is revoked (each read back, recorded on its request and on the incident,
/// its run cancelled). Resuming brings back the service account's grants, never the requests': they are asked again.
/// </summary>
public sealed class SuspendProgramme(ProgrammeOptions programmes, ProgrammeDatasets datasetsOf, NamedConnections connections) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("programme.suspend")!;

    /// <summary>What suspending or resuming a programme changes: its service account and its datasets.</summary>
    public static IReadOnlyCollection<string> Objects(ProgrammeDefinition programme, IReadOnlyList<string> datasets) =>
        [$"role:{programme.ServiceAccountRole}", .. datasets.Select(d => $"table:{d}")];

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var (name, programme) = ProgrammeRegistry.Find(programmes, context.Text("programme"));
        // First, and on every suspension: a grant for the programme's purpose is no more wanted while it is suspended than before.
        var requests = await EndRequestedAccessAsync(name, context, ct);
        var current = await context.Session.Events.FetchForWriting<Programme>(Programme.StreamId(name), ct);
        if (current.Aggregate is { IsSuspended: true } already)
            return new ActionResult(new Dictionary<string, object?>(requests.Outputs) { ["suspendedAt"] = already.SuspendedAt, ["reviewBy"] = already.ReviewBy },
                requests.Cancel);

        var datasets = datasetsOf.Of(name, programme);
        var (revoked, ended) = await Contention.RetryAsync(connections.Get(programme.Connection), Objects(programme, datasets), async db =>
        {
            var role = await Catalog.RoleAsync(db, programme.ServiceAccountRole, ct);
            await Catalog.ExecuteAsync(db, $"ALTER ROLE {role} NOLOGIN", ct);
            var tables = new List<string>();
            foreach (var dataset in datasets)
            {
                var table = await Catalog.TableAsync(db, dataset, ct);
                await Catalog.ExecuteAsync(db, $"REVOKE ALL PRIVILEGES ON TABLE {table} FROM {role}", ct);
                tables.Add(dataset);
            }
            return (tables, await Catalog.EndSessionsAsync(db, programme.ServiceAccountRole, ct));
        }, ct);

        var reviewBy = context.Now + (Durations.TryParse(programme.ReviewAfter, out var review) ? review : TimeSpan.FromDays(7));
        var suspended = new ProgrammeSuspended(name, context.IncidentId, context.RunId, programme.ServiceAccountRole, revoked, ended, reviewBy,
            $"playbook:{context.RunId:N}", context.Now);
        if (current.Aggregate is null) context.Session.Events.StartStream<Programme>(Programme.StreamId(name), suspended);
        else current.AppendOne(suspended);
        context.RecordOnIncident(suspended); // the incident's timeline tells it too
        return new ActionResult(new Dictionary<string, object?>(requests.Outputs) { ["suspendedAt"] = context.Now, ["reviewBy"] = reviewBy },
            [(new ProgrammeReviewDue(name, context.Now), reviewBy - context.Now), .. requests.Cancel]);
    }

    /// <summary>
    /// Ends every open request for a purpose the programme serves, each recorded on the request and on the incident and its run
    /// cancelled: a pending one is withdrawn; a granted one revoked and read back, or handed over to another request that still
    /// grants the same access for another purpose (which keeps it).
    /// </summary>
    private async Task<(Dictionary<string, object?> Outputs, List<(object, TimeSpan)> Cancel)> EndRequestedAccessAsync(string programme,
        ActionContext context, CancellationToken ct)
    {
        var (revoked, handedOver, withdrawn) = (new List<string>(), new List<string>(), new List<string>());
        var cancel = new List<(object, TimeSpan)>();
        var serving = await Access.LiveGrants.OpenServingAsync(context.Session, programme, ct);
        var ending = serving.Select(r => r.Id).ToHashSet();
        var (by, reason) = ($"playbook:{context.RunId:N}", $"programme {programme} was suspended");
        // In the order of their ids, as every operation that locks several requests does: two of them never wait on each other.
        foreach (var request in serving.OrderBy(r => r.Id))
        {
            // Locked before the database is asked, as an early revoke is: the scanner cannot find this revoke "gone" meanwhile.
            var stream = await Incidents.IncidentStreams.ForPersonAsync(context.Session, request.Id, ct);
            object ended;
            if (request.HoldsAGrant) (_, ended) = await Access.RequestedAccess.RevokeAsync(connections, request, context, by, reason, ct, ending);
            else ended = new Access.AccessWithdrawn(request.Id, by, reason, context.Now);
            stream.AppendOne(ended);
            context.RecordOnIncident(ended);
            cancel.Add((new Runs.CancelRun(request.RunId, reason, "system"), TimeSpan.Zero));
            (ended switch { Access.AccessHandedOver => handedOver, Access.AccessWithdrawn => withdrawn, _ => revoked }).Add(request.Id.ToString());
        }
        return (new Dictionary<string, object?> { ["requestsRevoked"] = revoked, ["requestsHandedOver"] = handedOver, ["requestsWithdrawn"] = withdrawn }, cancel);
    }
}

/// <summary><c>programme.resume</c>: only after an approval step of the same run approved it.</summary>
public sealed class ResumeProgramme(ProgrammeOptions programmes, ProgrammeDatasets datasetsOf, Catalogue.DatasetAccess catalogue, NamedConnections connections)
    : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("programme.resume")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        if (context.Approvals.Count == 0)
            throw new ActionFailedException("a suspended programme is resumed only after an approval step of this run approved it");
        var (name, programme) = ProgrammeRegistry.Find(programmes, context.Text("programme"));
        var current = await context.Session.Events.FetchForWriting<Programme>(Programme.StreamId(name), ct);
        if (current.Aggregate is not { IsSuspended: true } suspended)
            return new ActionResult(new Dictionary<string, object?> { ["resumedAt"] = null });

        // What the suspension took away comes back, and nothing else: a dataset that came to serve the programme since was
        // never granted by it. A suspension recorded before the programme kept this list resumes what the catalogue says.
        // Nor what the catalogue, as it is now, no longer lets its account read without asking: that is requested anew.
        var revoked = suspended.RevokedOn ?? datasetsOf.Of(name, programme);
        var datasets = revoked.Where(t => catalogue.MayStand(programme.Connection, t, programme.ServiceAccountRole)).ToList();
        var toRequest = revoked.Except(datasets, StringComparer.Ordinal).ToList();
        await Contention.RetryAsync(connections.Get(programme.Connection), SuspendProgramme.Objects(programme, datasets), async db =>
        {
            var role = await Catalog.RoleAsync(db, programme.ServiceAccountRole, ct);
            await Catalog.ExecuteAsync(db, $"ALTER ROLE {role} LOGIN", ct);
            foreach (var dataset in datasets)
                await Catalog.ExecuteAsync(db, $"GRANT SELECT ON TABLE {await Catalog.TableAsync(db, dataset, ct)} TO {role}", ct);
            return true;
        }, ct);

        var resumed = new ProgrammeResumed(name, context.IncidentId, context.RunId, context.Approvals.ToList(), $"playbook:{context.RunId:N}", context.Now,
            toRequest);
        current.AppendOne(resumed);
        context.RecordOnIncident(resumed);
        return new ActionResult(new Dictionary<string, object?> { ["resumedAt"] = context.Now, ["accessToRequest"] = toRequest });
    }
}

public static class ProgrammeRegistry
{
    public static (string Name, ProgrammeDefinition Definition) Find(ProgrammeOptions programmes, string name) =>
        programmes.TryGetValue(name, out var definition)
            ? (name, definition)
            : throw new ActionFailedException($"no programme named '{name}' is registered (Programmes__{name}__…)");

}
