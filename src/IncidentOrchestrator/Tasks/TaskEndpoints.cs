using System.Security.Claims;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Tasks;

public sealed record TaskView(Guid TaskId, Guid IncidentId, Guid RunId, string StepId, string Title, string? Instructions, string Assignee,
    string AssignedAs, string Status, DateTimeOffset? AckBy, DateTimeOffset? DueBy, IReadOnlyList<string> Outputs, string Link)
{
    public static TaskView Of(TaskItem t) => new(t.Id, t.IncidentId, t.RunId, t.StepId, t.Title, t.Instructions, t.Assignee, t.AssignedAs,
        t.Status, t.AckBy, t.DueBy, t.Outputs, $"/api/incidents/{t.IncidentId}");
}

public static class TaskEndpoints
{
    /// <summary>A task is the caller's when it names them, or a role they hold.</summary>
    public static bool IsFor(this TaskItem task, Caller caller) =>
        task.Assignee == $"user:{caller.Subject}" || caller.Roles.Any(r => task.Assignee == $"role:{r}");

    [WolverineGet("/api/tasks"), Authorize(Roles = Roles.Readers)]
    public static async Task<IReadOnlyList<TaskView>> List(bool? mine, Guid? incident, string? status, IQuerySession session,
        NeedToKnowGate needToKnow, HttpContext context, CancellationToken ct)
    {
        var caller = context.User.Caller();
        var query = session.Query<TaskItem>().AsQueryable();
        if (incident is { } id) query = query.Where(t => t.IncidentId == id);
        if (!string.IsNullOrEmpty(status)) query = query.Where(t => t.Status == status);
        var tasks = await query.OrderBy(t => t.OpenedAt).Take(500).ToListAsync(ct);
        var wanted = tasks.Where(t => mine != true || t.IsFor(caller)).ToList();
        var shown = await needToKnow.ShownAsync(session, context, wanted, t => t.IncidentId, t => t.IsFor(caller));
        return shown.Select(TaskView.Of).ToList();
    }

    [WolverinePost("/api/tasks/{taskId}/ack"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Ack(Guid taskId, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var (task, problem) = await FindForWorkAsync(taskId, session, user.Caller(), ct);
        if (problem is not null) return problem;
        if (task!.Status != TaskStatuses.Open)
            return Problems.Conflict("The task is not open", $"Task {taskId} is {task.Status}.");

        task.Status = TaskStatuses.Acknowledged;
        task.AcknowledgedAt = clock.GetUtcNow();
        session.Store(task);
        session.Events.Append(task.IncidentId, new TaskAcknowledged(task.IncidentId, task.Id, user.Caller().Subject, task.AcknowledgedAt.Value));
        return TypedResults.NoContent();
    }

    /// <summary>The assignee or a commander may act on a task; others get 403 (the need-to-know gate has already answered 404 to those who may not see it).</summary>
    public static async Task<(TaskItem?, IResult?)> FindForWorkAsync(Guid taskId, IQuerySession session, Caller caller, CancellationToken ct)
    {
        var task = await session.LoadAsync<TaskItem>(taskId, ct);
        if (task is null) return (null, Problems.NotFound("Task", taskId));
        var mayAct = task.IsFor(caller) || caller.Roles.Contains(Roles.Commander);
        return mayAct ? (task, null) : (null, TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your task",
            detail: $"Task {taskId} is for {task.Assignee}; only they or a commander may act on it."));
    }
}

/// <summary>Completing a task records its outputs, which become <c>steps.&lt;id&gt;.outputs.*</c> for later steps.</summary>
public static class CompleteTaskEndpoint
{
    public static ProblemDetails Validate(CompleteTask? request) => request is null ? Problems.MissingBody() : WolverineContinue.NoProblems;

    [WolverinePost("/api/tasks/{taskId}/complete"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Complete(Guid taskId, CompleteTask request, IDocumentSession session, IMessageBus bus,
        ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var caller = user.Caller();
        var (task, problem) = await TaskEndpoints.FindForWorkAsync(taskId, session, caller, ct);
        if (problem is not null) return problem;
        if (task!.Status is not (TaskStatuses.Open or TaskStatuses.Acknowledged))
            return Problems.Conflict("The task cannot be completed", $"Task {taskId} is {task.Status}.");

        var outputs = request.Outputs ?? [];
        var validation = new Problems.Validation();
        foreach (var missing in task.Outputs.Where(o => !outputs.ContainsKey(o))) validation.Add($"outputs.{missing}", "This output is required.");
        foreach (var unknown in outputs.Keys.Where(o => !task.Outputs.Contains(o))) validation.Add($"outputs.{unknown}", "The task declares no such output.");
        if (task.Decisions is { } decisions && outputs.TryGetValue("decision", out var decision)
            && !(decision.ValueKind == JsonValueKind.String && decisions.Contains(decision.GetString()!)))
            validation.Add("outputs.decision", $"One of: {string.Join(", ", decisions)}.");
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The outputs do not match the task"));

        var now = clock.GetUtcNow();
        task.Status = TaskStatuses.Completed;
        task.CompletedAt = now;
        task.Results = outputs;
        task.Notes = request.Notes;
        session.Store(task);
        session.Events.Append(task.IncidentId, new TaskCompleted(task.IncidentId, task.Id, task.StepId, outputs, request.Notes, caller.Subject, now));
        if (task.RunId != TaskItem.NoRun) await bus.PublishAsync(new HumanStepEnded(task.RunId, task.StepId, "succeeded", outputs, caller.Subject));
        return TypedResults.NoContent();
    }
}
