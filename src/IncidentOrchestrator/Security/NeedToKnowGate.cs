using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Tasks;
using Marten;
using Wolverine.Http;

namespace IncidentOrchestrator.Security;

/// <summary>
/// The one door to everything that belongs to an incident. <see cref="NeedToKnowPolicy"/> puts it
/// in front of every endpoint whose route names an incident, a task or an approval, before the
/// body is validated or the endpoint runs: an unknown id and an incident the caller may not see
/// get the same 404, and every attempt on a restricted incident is recorded first.
/// </summary>
public sealed class NeedToKnowGate(IDocumentStore store, IncidentReads reads, ILogger<NeedToKnowGate> logger)
{
    public Task<IResult> ForIncident(HttpContext context) => Gate(context, "id", "Incident", async (session, id, ct) =>
    {
        var incident = await session.LoadAsync<Incident>(id, ct);
        if (incident is null) return null;
        context.Items[typeof(Incident)] = incident; // the endpoint behind the gate need not load it again
        return (incident, false);
    });

    /// <summary>The incident the gate let the caller through to, as it loaded it for this request.</summary>
    public static Incident? Admitted(HttpContext context, Guid id) =>
        context.Items.TryGetValue(typeof(Incident), out var item) && item is Incident { } incident && incident.Id == id ? incident : null;

    public Task<IResult> ForTask(HttpContext context) => Gate(context, "taskId", "Task", async (session, id, ct) =>
    {
        var task = await session.LoadAsync<TaskItem>(id, ct);
        if (task is null) return null;
        var incident = await session.LoadAsync<Incident>(task.IncidentId, ct);
        return incident is null ? null : (incident, task.IsFor(context.User.Caller()));
    });

    public Task<IResult> ForApproval(HttpContext context) => Gate(context, "approvalId", "Approval", async (session, id, ct) =>
    {
        var approval = await session.LoadAsync<ApprovalItem>(id, ct);
        if (approval is null) return null;
        var incident = await session.LoadAsync<Incident>(approval.IncidentId, ct);
        return incident is null ? null : (incident, approval.MayDecide(context.User.Caller()));
    });

    /// <param name="find">The incident the id belongs to, and whether the thing itself is addressed to the caller (their task, their approval).</param>
    private async Task<IResult> Gate(HttpContext context, string parameter, string what,
        Func<IQuerySession, Guid, CancellationToken, Task<(Incident Incident, bool AddressedToCaller)?>> find)
    {
        var raw = context.GetRouteValue(parameter) as string;
        if (!Guid.TryParse(raw, out var id)) return Problems.NotFound(what, raw ?? "");

        var ct = context.RequestAborted;
        await using var session = store.QuerySession();
        if (await find(session, id, ct) is not { } found) return Problems.NotFound(what, id);

        var caller = context.User.Caller();
        var allowed = found.AddressedToCaller || caller.CanSee(found.Incident);
        // A read that cannot be recorded is refused; a refusal stays a plain 404 so that it reveals nothing either.
        if (found.Incident.Restricted && !await TryRecordAsync(found.Incident.Id, caller, context, allowed) && allowed) return AuditUnavailable();
        return allowed ? WolverineContinue.Result() : Problems.NotFound(what, id);
    }

    private async Task<bool> TryRecordAsync(Guid incident, Caller caller, HttpContext context, bool allowed)
    {
        try
        {
            await reads.RecordAsync([incident], caller, EndpointName(context), allowed ? IncidentReads.Allowed : IncidentReads.Denied,
                context.RequestAborted);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The read of restricted incident {Incident} by {Subject} could not be recorded; the read is refused", incident,
                caller.Subject);
            return false;
        }
    }

    private static IResult AuditUnavailable() => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "The read could not be recorded",
        detail: "Reads of restricted incidents are recorded before anything is shown; recording failed, so nothing is shown. Try again later.");

    /// <summary>
    /// The list form of the gate: the items whose incident the caller may see (or that are addressed
    /// to them). Lists then record a read for each restricted incident they show (<see cref="RecordShownAsync"/>).
    /// </summary>
    public static async Task<IReadOnlyList<T>> VisibleAsync<T>(IncidentsLoaded incidents, Caller caller, IReadOnlyList<T> items, Func<T, Guid> incidentOf,
        Func<T, bool> addressedToCaller, CancellationToken ct)
    {
        var known = await incidents.LoadAsync(items.Select(incidentOf), ct);
        return items.Where(x => addressedToCaller(x) || (known.TryGetValue(incidentOf(x), out var i) && caller.CanSee(i))).ToList();
    }

    /// <summary>Records one read by the caller of each restricted incident among <paramref name="shown"/>.</summary>
    public async Task RecordShownAsync(IncidentsLoaded incidents, HttpContext context, IEnumerable<Guid> shown)
    {
        var known = await incidents.LoadAsync(shown, context.RequestAborted);
        var restricted = shown.Distinct().Where(id => known.TryGetValue(id, out var i) && i.Restricted).ToList();
        await reads.RecordAsync(restricted, context.User.Caller(), EndpointName(context), IncidentReads.Allowed, context.RequestAborted);
    }

    public static string EndpointName(HttpContext context) =>
        $"{context.Request.Method} {(context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path}";
}

/// <summary>The incidents a list request has loaded so far: deciding what it may show and recording what it showed read each one once.</summary>
public sealed class IncidentsLoaded(IQuerySession session)
{
    private readonly Dictionary<Guid, Incident> _known = [];

    public async Task<IReadOnlyDictionary<Guid, Incident>> LoadAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var missing = ids.Distinct().Where(id => !_known.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
            foreach (var incident in await session.LoadManyAsync<Incident>(ct, missing)) _known[incident.Id] = incident;
        return _known;
    }
}
