using System.Security.Claims;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using Marten;
using Marten.Linq.MatchesSql;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Tasks;

/// <param name="WorkId">The original task of this piece of work; its escalated copies share it.</param>
public sealed record TaskView(Guid TaskId, Guid IncidentId, Guid RunId, string StepId, string Title, string? Instructions, string Assignee,
    string AssignedAs, string Status, DateTimeOffset OpenedAt, DateTimeOffset? AckBy, DateTimeOffset? DueBy, DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? CompletedAt, string? CompletedBy, IReadOnlyList<string> Outputs, IReadOnlyList<string>? Decisions, Guid WorkId,
    Guid? EscalationOf, string Link, string Subject)
{
    public static TaskView Of(TaskItem t) => new(t.Id, t.IncidentId, t.RunId, t.StepId, t.Title, t.Instructions, t.Assignee, t.AssignedAs,
        t.Status, t.OpenedAt, t.AckBy, t.DueBy, t.AcknowledgedAt, t.CompletedAt, t.CompletedBy, t.Outputs, t.Decisions,
        t.WorkId == Guid.Empty ? t.Id : t.WorkId, t.EscalationOf, RunSubject.ApiLinkOf(t.Subject, t.IncidentId), t.Subject);
}

/// <summary>What a list of tasks is asked for: the filters of <c>GET /api/tasks</c>, as given.</summary>
public sealed record TaskQuery(bool? Mine = null, Guid? Incident = null, string? Status = null, int? Limit = null, string? Cursor = null);

public static class TaskEndpoints
{
    /// <summary>A task is the caller's when it names them, or a role they hold.</summary>
    public static bool IsFor(this TaskItem task, Caller caller) => caller.IsAddressedAs(task.Assignee);

    /// <summary>
    /// <c>GET /api/tasks</c>: oldest first, <c>limit</c> at a time (default 50, at most 500), the next page in the
    /// <c>Link</c> header. Filters: <c>mine</c>, <c>status</c> (one or a comma list), <c>incident</c>.
    /// </summary>
    [WolverineGet("/api/tasks"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> List(bool? mine, Guid? incident, string? status, int? limit, string? cursor, IQuerySession session,
        NeedToKnowGate needToKnow, HttpContext context, CancellationToken ct) =>
        (await FindAsync(new TaskQuery(mine, incident, status, limit, cursor), context.User.Caller(), session, needToKnow,
            NeedToKnowGate.EndpointName(context), ct)).ToHttp(listed => Paging.Ok(context, listed));

    /// <summary>
    /// The tasks list, for any door: the tasks <paramref name="caller"/> may see that match, a page at a time, each restricted
    /// incident shown recorded as read by <paramref name="readBy"/>.
    /// </summary>
    public static async Task<Outcome<Listed<TaskView>>> FindAsync(TaskQuery filter, Caller caller, IQuerySession session, NeedToKnowGate needToKnow,
        string readBy, CancellationToken ct, ISet<Guid>? recorded = null)
    {
        var validation = new Problems.Validation();
        var statuses = EnumFilter.Parse(filter.Status, TaskStatuses.All, "status", validation);
        var pageSize = Paging.Limit(filter.Limit, validation);
        var after = Paging.ParseCursor(filter.Cursor, validation);
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The task list query is not valid"));

        var incidents = new IncidentsLoaded(session);
        var principals = caller.Principals.ToArray();
        var (page, next) = await Paging.ScanAsync<TaskItem, Cursor>(async (position, count) =>
            {
                var query = session.Query<TaskItem>().AsQueryable();
                if (filter.Incident is { } id) query = query.Where(t => t.IncidentId == id);
                if (statuses is { Length: > 0 }) query = query.Where(t => t.Status.IsOneOf(statuses));
                if (filter.Mine == true) query = query.Where(t => t.Assignee.IsOneOf(principals));
                if (position is { } c) query = query.Where(t => t.MatchesSql("(d.opened_at, d.id) > (?, ?)", c.At, c.Id));
                return await query.OrderBy(t => t.OpenedAt).ThenBy(t => t.Id).Take(count).ToListAsync(ct);
            },
            tasks => NeedToKnowGate.VisibleAsync(incidents, caller, tasks, t => t.IncidentId, t => t.IsFor(caller), ct),
            t => Cursor.Of(t.OpenedAt, t.Id), after, pageSize);

        await needToKnow.RecordShownAsync(incidents, caller, readBy, page.Select(t => t.IncidentId), ct, recorded);
        return new Listed<TaskView>(page.Select(TaskView.Of).ToList(), next?.Encode());
    }

    [WolverinePost("/api/tasks/{taskId}/ack"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Ack(Guid taskId, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, IMessageBus bus,
        Notifications.NotificationOptions notifications, CancellationToken ct) =>
        (await AcknowledgeAsync(taskId, session, user, clock, bus, notifications, ct)).ToHttp();

    /// <summary>The assignee (or a commander) acknowledges an open task: its acknowledgement escalation stops.</summary>
    public static async Task<Outcome> AcknowledgeAsync(Guid taskId, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, IMessageBus bus,
        Notifications.NotificationOptions notifications, CancellationToken ct)
    {
        var (task, refused) = await FindForWorkAsync(taskId, session, user.Caller(), ct);
        if (refused is not null) return refused;
        // An escalated task stays actionable: escalation widens the circle, it never takes the work away.
        if (task!.Status is not (TaskStatuses.Open or TaskStatuses.Escalated) || task.AcknowledgedAt is not null)
            return Refusal.Conflict("The task is not open", $"Task {taskId} is {task.Status}{(task.AcknowledgedAt is null ? "" : " and was acknowledged")}.");

        task.Status = TaskStatuses.Acknowledged;
        task.AcknowledgedAt = clock.GetUtcNow();
        session.Store(task);
        var incident = await IncidentStreams.ForPersonAsync(session, task.IncidentId, ct);
        incident.AppendOne(new TaskAcknowledged(task.IncidentId, task.Id, user.Caller().Subject, task.AcknowledgedAt.Value));
        if (notifications.Pages) await bus.PublishAsync(new Notifications.WorkChanged(task.IncidentId, task.Id, Notifications.WorkStatuses.Acknowledged));
        return Outcome.Done;
    }

    /// <summary>The assignee or a commander may act on a task; others get 403 (the need-to-know gate has already answered 404 to those who may not see it).</summary>
    public static async Task<(TaskItem?, Refusal?)> FindForWorkAsync(Guid taskId, IQuerySession session, Caller caller, CancellationToken ct)
    {
        var task = await session.LoadAsync<TaskItem>(taskId, ct);
        if (task is null) return (null, Refusal.NotFound("Task", taskId));
        var mayAct = task.IsFor(caller) || caller.Roles.Contains(Roles.Commander);
        return mayAct ? (task, null) : (null, Refusal.Forbidden("Not your task", $"Task {taskId} is for {task.Assignee}; only they or a commander may act on it."));
    }
}

/// <summary>Completing a task records its outputs, which become <c>steps.&lt;id&gt;.outputs.*</c> for later steps.</summary>
public static class CompleteTaskEndpoint
{
    public static ProblemDetails Validate(CompleteTask? request) => request is null ? Problems.MissingBody() : WolverineContinue.NoProblems;

    [WolverinePost("/api/tasks/{taskId}/complete"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Complete(Guid taskId, CompleteTask request, IDocumentSession session, IMessageBus bus,
        ClaimsPrincipal user, TimeProvider clock, Notifications.NotificationOptions notifications, CancellationToken ct) =>
        (await CompleteAsync(taskId, request, session, bus, user, clock, notifications, ct)).ToHttp();

    /// <summary>Completes a task with its outputs, read by the types the playbook declares; the step it stands for then ends.</summary>
    public static async Task<Outcome> CompleteAsync(Guid taskId, CompleteTask request, IDocumentSession session, IMessageBus bus,
        ClaimsPrincipal user, TimeProvider clock, Notifications.NotificationOptions notifications, CancellationToken ct)
    {
        var caller = user.Caller();
        var (task, refused) = await TaskEndpoints.FindForWorkAsync(taskId, session, caller, ct);
        if (refused is not null) return refused;
        if (!TaskStatuses.IsActionable(task!.Status))
            return Refusal.Conflict("The task cannot be completed", $"Task {taskId} is {task.Status}.");

        var given = request.Outputs ?? [];
        var validation = new Problems.Validation();
        foreach (var missing in task.Outputs.Where(o => !given.ContainsKey(o))) validation.Add($"outputs.{missing}", "This output is required.");
        foreach (var unknown in given.Keys.Where(o => !task.Outputs.Contains(o))) validation.Add($"outputs.{unknown}", "The task declares no such output.");
        // What a person typed is read by the types the playbook declares for its outputs, as inputs are.
        var (read, unreadable) = InputValues.ReadOutputs(JsonValues.ToPlain(given), task.OutputTypes);
        foreach (var (name, message) in unreadable) validation.Add($"outputs.{name}", message);
        var outputs = task.OutputTypes.Count == 0 ? given : JsonValues.ToJson(read);
        if (task.Decisions is { } decisions && outputs.TryGetValue("decision", out var decision)
            && !(decision.ValueKind == JsonValueKind.String && decisions.Contains(decision.GetString()!)))
            validation.Add("outputs.decision", $"One of: {string.Join(", ", decisions)}.");
        if (task.Subject == Playbooks.Model.Subjects.AccessReview) Access.Reviews.AccessReviewAnswers.Check(outputs, validation);
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The outputs do not match the task"));

        var now = clock.GetUtcNow();
        var incident = await IncidentStreams.ForPersonAsync(session, task.IncidentId, ct);
        // A review's answer is the review's, recorded under the same lock, with the task, before anything else is: a refusal (the deadline
        // settled the grant first) must leave nothing to save.
        if (task.Subject == Playbooks.Model.Subjects.AccessReview
            && await Access.Reviews.AccessReviewAnswers.RecordAsync(session, incident, task, outputs, caller.Subject, now, bus, ct) is { } refusedAnswer)
            return refusedAnswer;
        task.Status = TaskStatuses.Completed;
        task.CompletedAt = now;
        task.CompletedBy = caller.Subject;
        task.Results = outputs;
        task.Notes = request.Notes;
        session.Store(task);
        incident.AppendOne(new TaskCompleted(task.IncidentId, task.Id, task.StepId, outputs, request.Notes, caller.Subject, now));

        // The other copies of the same work (the original, or its escalations) are closed; optimistic concurrency on
        // each of them makes a second completion at the same moment fail instead of resolving the step twice.
        var work = task.WorkId;
        var copies = work == Guid.Empty ? [] : await session.Query<TaskItem>().Where(t => t.WorkId == work && t.Id != taskId).ToListAsync(ct);
        foreach (var copy in copies)
        {
            if (copy.IsDone) continue;
            copy.Status = TaskStatuses.Superseded;
            session.Store(copy);
            incident.AppendOne(new TaskSuperseded(task.IncidentId, copy.Id, task.Id, caller.Subject, now));
            if (notifications.Pages) await bus.PublishAsync(new Notifications.WorkChanged(task.IncidentId, copy.Id, Notifications.WorkStatuses.Settled));
        }
        if (notifications.Pages) await bus.PublishAsync(new Notifications.WorkChanged(task.IncidentId, task.Id, Notifications.WorkStatuses.Settled));
        if (task.RunId != TaskItem.NoRun) await bus.PublishAsync(new HumanStepEnded(task.RunId, task.StepId, "succeeded", outputs, caller.Subject));

        return Outcome.Done;
    }
}
