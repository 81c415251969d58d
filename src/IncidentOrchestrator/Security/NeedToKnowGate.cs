using IncidentOrchestrator.Access;
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
    /// <summary>What the gate decided: the caller may go on; the thing is not found (or they may not see it: the same answer); or
    /// the read of a restricted incident could not be recorded, so nothing is shown.</summary>
    public enum Admission { Admitted, NotFound, AuditUnavailable }

    public async Task<IResult> ForIncident(HttpContext context) => Http(await AdmitToIncidentAsync(context), "Incident", context, "id");

    /// <summary>The incident the gate let the caller through to, as it loaded it for this request.</summary>
    public static Incident? Admitted(HttpContext context, Guid id) =>
        context.Items.TryGetValue(typeof(Incident), out var item) && item is Incident { } incident && incident.Id == id ? incident : null;

    public async Task<IResult> ForTask(HttpContext context) => Http(await AdmitToTaskAsync(context), "Task", context, "taskId");

    public async Task<IResult> ForApproval(HttpContext context) => Http(await AdmitToApprovalAsync(context), "Approval", context, "approvalId");

    /// <summary>The gate for the incident a request's route names (<c>{id}</c>); an admitted one is kept for the request (<see cref="Admitted"/>).</summary>
    public async Task<Admission> AdmitToIncidentAsync(HttpContext context)
    {
        if (!TryRouteId(context, "id", out var id)) return Admission.NotFound;
        var (admission, incident) = await IncidentAsync(id, context.User.Caller(), EndpointName(context), context.RequestAborted);
        if (admission == Admission.Admitted) context.Items[typeof(Incident)] = incident; // the endpoint behind the gate need not load it again
        return admission;
    }

    /// <summary>The gate for the task a request's route names (<c>{taskId}</c>).</summary>
    public async Task<Admission> AdmitToTaskAsync(HttpContext context) => TryRouteId(context, "taskId", out var id)
        ? await TaskAsync(id, context.User.Caller(), EndpointName(context), context.RequestAborted)
        : Admission.NotFound;

    public async Task<IResult> ForFollowUp(HttpContext context) => Http(await AdmitToFollowUpAsync(context), "Follow-up", context, "followUpId");

    /// <summary>The gate for the follow-up a request's route names (<c>{followUpId}</c>): its incident's, or it is the caller's own.</summary>
    public async Task<Admission> AdmitToFollowUpAsync(HttpContext context) => TryRouteId(context, "followUpId", out var id)
        ? await AdmitAsync(id, context.User.Caller(), EndpointName(context), async (session, followUpId) =>
                await session.LoadAsync<FollowUps.FollowUp>(followUpId, context.RequestAborted) is { } followUp
                && await session.LoadAsync<Incident>(followUp.IncidentId, context.RequestAborted) is { } incident
                    ? (incident, followUp.Owner == context.User.Caller().Subject)
                    : null,
            context.RequestAborted)
        : Admission.NotFound;

    /// <summary>The gate for the approval a request's route names (<c>{approvalId}</c>).</summary>
    public async Task<Admission> AdmitToApprovalAsync(HttpContext context) => TryRouteId(context, "approvalId", out var id)
        ? await ApprovalAsync(id, context.User.Caller(), EndpointName(context), context.RequestAborted)
        : Admission.NotFound;

    /// <summary>The gate for an incident, for any door: <paramref name="door"/> names it in the read audit.</summary>
    public async Task<(Admission Admission, Incident? Incident)> IncidentAsync(Guid id, Caller caller, string door, CancellationToken ct)
    {
        Incident? loaded = null;
        var admission = await AdmitAsync(id, caller, door, async (session, incidentId) =>
        {
            loaded = await session.LoadAsync<Incident>(incidentId, ct);
            return loaded is null ? null : (loaded, false);
        }, ct);
        return (admission, admission == Admission.Admitted ? loaded : null); // nothing of an incident the caller may not see
    }

    /// <summary>The gate for a task, for any door: its incident's (or access request's), or the task is addressed to the caller.</summary>
    public Task<Admission> TaskAsync(Guid taskId, Caller caller, string door, CancellationToken ct) => AdmitAsync(taskId, caller, door, async (session, id) =>
        await session.LoadAsync<TaskItem>(id, ct) is { } task ? For(await Runs.RunSubject.LoadAsync(session, task.IncidentId, ct), task.IsFor(caller), caller) : null,
        ct);

    /// <summary>The gate for an approval, for any door: its incident's (or access request's), or the caller may decide it.</summary>
    public Task<Admission> ApprovalAsync(Guid approvalId, Caller caller, string door, CancellationToken ct) => AdmitAsync(approvalId, caller, door,
        async (session, id) => await session.LoadAsync<ApprovalItem>(id, ct) is { } approval
            ? For(await Runs.RunSubject.LoadAsync(session, approval.IncidentId, ct), approval.MayDecide(caller), caller)
            : null,
        ct);

    /// <summary>What the gate weighs for a thing of <paramref name="subject"/>: its incident, or (for an access request, which is no incident)
    /// whether it is for the caller or the caller may see the request.</summary>
    private static (Incident? Incident, bool AddressedToCaller)? For(Runs.RunSubject? subject, bool addressed, Caller caller) => subject switch
    {
        null => null,
        { Incident: { } incident } => (incident, addressed),
        _ => (null, addressed || subject.MaySee(caller)),
    };

    private static bool TryRouteId(HttpContext context, string parameter, out Guid id) => Guid.TryParse(context.GetRouteValue(parameter) as string, out id);

    /// <summary>The gate's answer over HTTP: go on, the same 404 for unknown and unseen, or 503 when the read could not be recorded.</summary>
    public static IResult Http(Admission admission, string what, Guid id) => Http(admission, what, id.ToString());

    private static IResult Http(Admission admission, string what, HttpContext context, string parameter) =>
        Http(admission, what, context.GetRouteValue(parameter) as string ?? "");

    private static IResult Http(Admission admission, string what, string id) => admission switch
    {
        Admission.Admitted => WolverineContinue.Result(),
        Admission.NotFound => Problems.NotFound(what, id),
        _ => Refusal.ReadNotRecorded.ToProblemResult(),
    };

    /// <param name="find">The incident the id belongs to (null: it belongs to no incident, but to an access request), and whether the thing
    /// itself is for the caller (their task, their approval, a request they may see).</param>
    private async Task<Admission> AdmitAsync(Guid id, Caller caller, string door,
        Func<IQuerySession, Guid, Task<(Incident? Incident, bool AddressedToCaller)?>> find, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await find(session, id) is not { } found) return Admission.NotFound;
        if (found.Incident is null) return found.AddressedToCaller ? Admission.Admitted : Admission.NotFound;

        var allowed = found.AddressedToCaller || caller.CanSee(found.Incident);
        // A read that cannot be recorded is refused; a refusal stays a plain not-found so that it reveals nothing either.
        if (found.Incident.Restricted && !await TryRecordAsync(found.Incident.Id, caller, door, allowed, ct) && allowed) return Admission.AuditUnavailable;
        return allowed ? Admission.Admitted : Admission.NotFound;
    }

    private async Task<bool> TryRecordAsync(Guid incident, Caller caller, string door, bool allowed, CancellationToken ct)
    {
        try
        {
            await reads.RecordAsync([incident], caller, door, allowed ? IncidentReads.Allowed : IncidentReads.Denied, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The read of restricted incident {Incident} by {Subject} could not be recorded; the read is refused", incident,
                caller.Subject);
            return false;
        }
    }

    /// <summary>
    /// The list form of the gate: the items whose incident the caller may see (or that are addressed
    /// to them). Lists then record a read for each restricted incident they show (<see cref="RecordShownAsync"/>).
    /// </summary>
    public static async Task<IReadOnlyList<T>> VisibleAsync<T>(IncidentsLoaded incidents, Caller caller, IReadOnlyList<T> items, Func<T, Guid> incidentOf,
        Func<T, bool> addressedToCaller, CancellationToken ct)
    {
        var known = await incidents.LoadAsync(items.Select(incidentOf), ct);
        // What belongs to no incident belongs to another subject (an access request, an access review): for those who may see it.
        var others = await incidents.OtherSubjectsAsync(items.Select(incidentOf).Where(id => !known.ContainsKey(id)), ct);
        return items.Where(x => addressedToCaller(x)
                                || (known.TryGetValue(incidentOf(x), out var i) && caller.CanSee(i))
                                || (others.TryGetValue(incidentOf(x), out var other) && other.MaySee(caller))).ToList();
    }

    /// <summary>
    /// Records one read by the caller of each restricted incident among <paramref name="shown"/>; with <paramref name="recorded"/>,
    /// only of those not in it yet (a page made of several lists records each incident once).
    /// </summary>
    public async Task RecordShownAsync(IncidentsLoaded incidents, Caller caller, string readBy, IEnumerable<Guid> shown, CancellationToken ct,
        ISet<Guid>? recorded = null)
    {
        var known = await incidents.LoadAsync(shown, ct);
        var restricted = shown.Distinct().Where(id => known.TryGetValue(id, out var i) && i.Restricted && (recorded?.Add(id) ?? true)).ToList();
        await reads.RecordAsync(restricted, caller, readBy, IncidentReads.Allowed, ct);
    }

    public static string EndpointName(HttpContext context) =>
        $"{context.Request.Method} {(context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path}";
}

/// <summary>The incidents a list request has loaded so far: deciding what it may show and recording what it showed read each one once.</summary>
public sealed class IncidentsLoaded(IQuerySession session)
{
    private readonly Dictionary<Guid, Incident> _known = [];
    private readonly Dictionary<Guid, Access.AccessRequest> _requests = [];

    /// <summary>The subjects that are not incidents among <paramref name="ids"/> (access requests, access reviews), each loaded once.</summary>
    public async Task<IReadOnlyDictionary<Guid, Runs.RunSubject>> OtherSubjectsAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var missing = ids.Distinct().Where(id => !_others.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
            foreach (var (id, subject) in await Runs.RunSubject.LoadManyAsync(session, missing, ct)) _others[id] = subject;
        return _others;
    }

    private readonly Dictionary<Guid, Runs.RunSubject> _others = [];

    /// <summary>The access requests among <paramref name="ids"/> (the subjects of runs that are no incidents).</summary>
    public async Task<IReadOnlyDictionary<Guid, Access.AccessRequest>> RequestsAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var missing = ids.Distinct().Where(id => !_requests.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
            foreach (var request in await session.LoadManyAsync<Access.AccessRequest>(ct, missing)) _requests[request.Id] = request;
        return _requests;
    }

    public async Task<IReadOnlyDictionary<Guid, Incident>> LoadAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var missing = ids.Distinct().Where(id => !_known.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
            foreach (var incident in await session.LoadManyAsync<Incident>(ct, missing)) _known[incident.Id] = incident;
        return _known;
    }
}
