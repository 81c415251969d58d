using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;
using Marten;
using Marten.Linq.MatchesSql;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace IncidentOrchestrator.FollowUps;

/// <summary>A follow-up as the API shows it. Its title and description are the incident's sensitive text: redacted for who takes no part in it.</summary>
public sealed record FollowUpView(
    Guid Id, Guid IncidentId, string Title, string? Description, string Owner, DateTimeOffset DueAt, string Priority, IReadOnlyList<string> Tags,
    Severity Severity, string Status, string? Reason, bool Overdue, int EscalationLevel, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt,
    IReadOnlyList<Trackers.TrackerLink> Links)
{
    /// <summary>The follow-up as <paramref name="caller"/> may read it, with its incident's severity now.</summary>
    public static FollowUpView Of(FollowUp f, Incident? incident, Caller caller, DateTimeOffset now)
    {
        var redact = FollowUpEndpoints.Redacts(caller, f, incident);
        return new(f.Id, f.IncidentId, Redaction.Text(f.Title, redact)!, Redaction.Text(f.Description, redact), f.Owner, f.DueAt, f.Priority, f.Tags,
            incident?.Severity ?? f.Severity, f.Status, Redaction.Text(f.Reason, redact), f.IsOverdue(now), f.EscalationLevel, f.CreatedBy, f.CreatedAt,
            f.ClosedAt, f.Links);
    }
}

public sealed record FollowUpAccepted(Guid FollowUpId, DateTimeOffset DueAt, string Owner);

/// <summary>What a list of follow-ups is asked for: the filters of <c>GET /api/followups</c>, as given.</summary>
public sealed record FollowUpQuery(
    Guid? Incident = null, string? Owner = null, string? Status = null, bool? Overdue = null, string? Severity = null, string? Tag = null, int? Limit = null,
    string? Cursor = null);

public static class CreateFollowUpEndpoint
{
    public static ProblemDetails Validate(CreateFollowUp? request) => request is null
        ? Problems.MissingBody()
        : FollowUpCreation.Check(request, new Problems.Validation()).ToProblem("The follow-up is not valid");

    /// <summary><c>POST /api/incidents/{id}/followups</c>: a follow-up of the incident, for those who take part in it.</summary>
    [WolverinePost("/api/incidents/{id}/followups"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Post(Guid id, CreateFollowUp request, IncidentCommands commands, FollowUpOptions options, Rotations rotations,
        ClaimsPrincipal user, DateTimeOffset now, CancellationToken ct) =>
        (await CreateAsync(id, request, commands, options, rotations, user.Caller(), now, ct))
        .ToHttp(accepted => TypedResults.Created($"/api/followups/{accepted.FollowUpId}", accepted));

    public static async Task<Outcome<FollowUpAccepted>> CreateAsync(Guid id, CreateFollowUp request, IncidentCommands commands, FollowUpOptions options,
        Rotations rotations, Caller caller, DateTimeOffset now, CancellationToken ct)
    {
        var followUpId = Guid.CreateVersion7();
        FollowUpCreated? created = null;
        var outcome = await commands.DecideAsync(id, incident =>
        {
            if (!caller.TakesPart(incident))
                return IncidentDecision.Refuse(Refusal.Forbidden("Not a participant",
                    "Follow-ups are created by the incident's commander and participants; ask the commander to add you."));
            var decided = FollowUpCreation.Decide(incident, request, followUpId, caller.Subject, Incidents.Participants.AddParticipantEndpoint.MayAdd(caller),
                now, options, rotations);
            if (decided.Refused is { } refused) return IncidentDecision.Refuse(refused);
            created = decided.Value!.Event;
            return new IncidentDecision(null, decided.Value.Events, [decided.Value.Notice]) { Scheduled = decided.Value.Timers };
        }, ct);
        return outcome.Refused is { } refusal ? refusal : new FollowUpAccepted(followUpId, created!.DueAt, created.Owner);
    }
}

/// <summary>
/// A follow-up's status is changed by its owner, the incident's commander and participants, and administrators, for as long as it lives
/// (after the incident closes too). <c>wont-do</c> needs a reason; a follow-up reopened after its due date is escalated again.
/// </summary>
public static class ChangeFollowUpStatusEndpoint
{
    public const int ReasonMax = 2000;

    public static ProblemDetails Validate(ChangeFollowUpStatus? change) => change is null
        ? Problems.MissingBody()
        : new Problems.Validation()
            .Require(change.Status is not null && FollowUpStatuses.All.Contains(change.Status), "status", $"One of: {string.Join(", ", FollowUpStatuses.All)}.")
            .Require(change.Status != FollowUpStatuses.WontDo || !string.IsNullOrWhiteSpace(change.Reason), "reason",
                "Say why the follow-up will not be done.")
            .Require((change.Reason?.Length ?? 0) <= ReasonMax, "reason", $"At most {ReasonMax} characters.")
            .ToProblem();

    /// <summary><c>POST /api/followups/{followUpId}/status</c> <c>{status, reason?}</c>.</summary>
    [WolverinePost("/api/followups/{followUpId}/status"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Post(Guid followUpId, ChangeFollowUpStatus change, IQuerySession session, IncidentCommands commands,
        FollowUpOptions options, ClaimsPrincipal user, DateTimeOffset now, CancellationToken ct) =>
        (await ChangeAsync(followUpId, change, session, commands, options, user.Caller(), now, ct)).ToHttp();

    public static Task<Outcome> ChangeAsync(Guid followUpId, ChangeFollowUpStatus change, IQuerySession session, IncidentCommands commands,
        FollowUpOptions options, Caller caller, DateTimeOffset now, CancellationToken ct) =>
        MoveAsync(followUpId, change.Status!, change.Reason, caller.Subject, (incident, followUp) => caller.MayChange(incident, followUp) ? null : FollowUpRules.NotYours,
            session, commands, options, now, ct);

    /// <summary>Moves the follow-up to <paramref name="status"/> in <paramref name="by"/>'s name, when <paramref name="refuse"/> finds nothing against it.</summary>
    public static async Task<Outcome> MoveAsync(Guid followUpId, string status, string? reason, string by, Func<Incident, IncidentFollowUp, Refusal?> refuse,
        IQuerySession session, IncidentCommands commands, FollowUpOptions options, DateTimeOffset now, CancellationToken ct)
    {
        if (await session.LoadAsync<FollowUp>(followUpId, ct) is not { } found) return Refusal.NotFound("Follow-up", followUpId);
        return await commands.DecideAsync(found.IncidentId, incident =>
        {
            if (incident.FollowUps.Find(f => f.Id == followUpId) is not { } followUp) return IncidentDecision.Refuse(Refusal.NotFound("Follow-up", followUpId));
            if (refuse(incident, followUp) is { } refused) return IncidentDecision.Refuse(refused);
            reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            // The same status again changes nothing, unless it says a new reason (why it will not be done, say).
            if (followUp.Status == status && (reason is null || reason == followUp.Reason)) return IncidentDecision.Nothing;
            var changed = new FollowUpStatusChanged(incident.Id, followUpId, followUp.Title, followUp.Status, status, reason, by, now);
            // Reopened, it is escalated again from where it was: at its due date, or once more after the commander had it for a while.
            var reopened = !followUp.IsPending && FollowUpStatuses.IsPending(status);
            // A step waiting for the incident's follow-ups (followups.done) looks again, when this one went from pending to settled or back.
            var moved = followUp.IsPending != FollowUpStatuses.IsPending(status)
                ? new IncidentDecision(null, [changed], [new FollowUpsMoved(incident.Id)])
                : IncidentDecision.Append(changed);
            return reopened && FollowUpTimers.NextEscalation(followUp.DueAt, followUp.EscalationLevel, now, options) is { } next
                ? moved with { Scheduled = [(new FollowUpOverdue(incident.Id, followUpId, followUp.DueAt, next.Level), next.At)] }
                : moved;
        }, ct);
    }
}

public static class FollowUpEndpoints
{
    /// <summary><c>GET /api/followups/{followUpId}</c>: one follow-up, for those who may see its incident and its owner.</summary>
    [WolverineGet("/api/followups/{followUpId}"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid followUpId, IQuerySession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var followUp = await session.LoadAsync<FollowUp>(followUpId, ct); // the gate admitted the caller to it
        if (followUp is null) return Problems.NotFound("Follow-up", followUpId);
        var incident = await session.LoadAsync<Incident>(followUp.IncidentId, ct);
        return TypedResults.Ok(FollowUpView.Of(followUp, incident, user.Caller(), clock.GetUtcNow()));
    }

    /// <summary><c>GET /api/incidents/{id}/followups</c>: the incident's follow-ups, oldest first.</summary>
    [WolverineGet("/api/incidents/{id}/followups"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> ForIncident(Guid id, IQuerySession session, HttpContext context, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await OfIncidentAsync(NeedToKnowGate.Admitted(context, id) ?? await session.LoadAsync<Incident>(id, ct), context.User.Caller(),
            session, clock.GetUtcNow(), ct));

    public static async Task<IReadOnlyList<FollowUpView>> OfIncidentAsync(Incident? incident, Caller caller, IQuerySession session, DateTimeOffset now,
        CancellationToken ct)
    {
        if (incident is null) return [];
        var followUps = await session.Query<FollowUp>().Where(f => f.IncidentId == incident.Id).OrderBy(f => f.CreatedAt).ToListAsync(ct);
        return followUps.Select(f => FollowUpView.Of(f, incident, caller, now)).ToList();
    }

    /// <summary>
    /// <c>GET /api/followups</c>: the follow-ups the caller may see, soonest due first, <c>limit</c> at a time (default 50, at most 500), the next
    /// page in the <c>Link</c> header. Filters: <c>incident</c>, <c>owner</c> (<c>me</c> for the caller), <c>status</c>, <c>overdue</c>,
    /// <c>severity</c>, <c>tag</c>.
    /// </summary>
    [WolverineGet("/api/followups"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> List(Guid? incident, string? owner, string? status, bool? overdue, string? severity, string? tag, int? limit,
        string? cursor, IQuerySession session, NeedToKnowGate gate, TimeProvider clock, HttpContext context, CancellationToken ct) =>
        (await ListAsync(new FollowUpQuery(incident, owner, status, overdue, severity, tag, limit, cursor), context.User.Caller(), session, gate,
            NeedToKnowGate.EndpointName(context), clock.GetUtcNow(), ct))
        .ToHttp(listed => Paging.Ok(context, listed));

    /// <param name="recorded">The incidents a page made of several lists already recorded a read of (each is recorded once).</param>
    public static async Task<Outcome<Listed<FollowUpView>>> ListAsync(FollowUpQuery filter, Caller caller, IQuerySession session, NeedToKnowGate gate,
        string door, DateTimeOffset now, CancellationToken ct, ISet<Guid>? recorded = null)
    {
        var validation = new Problems.Validation();
        var statuses = EnumFilter.Parse(filter.Status, FollowUpStatuses.All, "status", validation);
        var severities = EnumFilter.Parse<Severity>(filter.Severity, "severity", validation);
        var pageSize = Paging.Limit(filter.Limit, validation);
        var after = Paging.ParseCursor(filter.Cursor, validation);
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The follow-up list query is not valid"));
        var owner = filter.Owner == "me" ? caller.Subject : filter.Owner?.StartsWith("user:", StringComparison.Ordinal) == true ? filter.Owner[5..] : filter.Owner;

        var incidents = new IncidentsLoaded(session);
        var (page, next) = await Paging.ScanAsync<FollowUp, Cursor>(async (position, count) =>
            {
                var query = session.Query<FollowUp>().AsQueryable();
                if (filter.Incident is { } incident) query = query.Where(f => f.IncidentId == incident);
                if (!string.IsNullOrWhiteSpace(owner)) query = query.Where(f => f.Owner == owner);
                if (statuses.Length > 0) query = query.Where(f => f.Status.IsOneOf(statuses));
                if (filter.Overdue == true) query = query.Where(f => f.Status.IsOneOf(FollowUpStatuses.Pending) && f.DueAt < now);
                if (!string.IsNullOrWhiteSpace(filter.Tag) && FollowUpCreation.Normal(filter.Tag) is var tag) query = query.Where(f => f.Tags.Contains(tag));
                if (position is { } c) query = query.Where(f => f.MatchesSql("(d.due_at, d.id) > (?, ?)", c.At, c.Id));
                return await query.OrderBy(f => f.DueAt).ThenBy(f => f.Id).Take(count).ToListAsync(ct);
            },
            async rows =>
            {
                var visible = await NeedToKnowGate.VisibleAsync(incidents, caller, rows, f => f.IncidentId, f => f.Owner == caller.Subject, ct);
                if (severities is not { Length: > 0 }) return visible;
                // By the incident's severity now: it may have changed since the follow-up was created.
                var known = await incidents.LoadAsync(visible.Select(f => f.IncidentId), ct);
                return visible.Where(f => known.TryGetValue(f.IncidentId, out var i) && severities.Contains(i.Severity)).ToList();
            },
            f => Cursor.Of(f.DueAt, f.Id), after, pageSize);
        await gate.RecordShownAsync(incidents, caller, door, page.Select(f => f.IncidentId), ct, recorded);
        var shown = await incidents.LoadAsync(page.Select(f => f.IncidentId), ct);
        return new Listed<FollowUpView>(page.Select(f => FollowUpView.Of(f, shown.GetValueOrDefault(f.IncidentId), caller, now)).ToList(), next?.Encode());
    }

    /// <summary>Its owner reads a follow-up whole; anyone else as they read its incident.</summary>
    public static bool Redacts(Caller caller, FollowUp followUp, Incident? incident) =>
        followUp.Owner != caller.Subject && (incident is null || Redaction.AppliesTo(caller, incident));
}
