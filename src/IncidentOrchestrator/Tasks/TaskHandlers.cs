using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Runs;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Tasks;

public static class OpenTaskHandler
{
    public static OutgoingMessages Handle(OpenTask command, IDocumentSession session, Rotations rotations, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var task = new TaskItem
        {
            Id = Guid.CreateVersion7(), IncidentId = command.IncidentId, RunId = command.RunId, StepId = command.StepId,
            Title = command.Title, Instructions = command.Instructions, AssignedAs = command.AssignedAs,
            Assignee = rotations.Resolve(command.AssignedAs, now), EscalateTo = command.EscalateTo, Outputs = command.Outputs,
            Decisions = command.Decisions, OpenedAt = now, AckBy = now + command.AckWithin, DueBy = now + command.DueWithin,
        };
        return Open(task, session, now);
    }

    /// <summary>Stores the task, puts it on the timeline, gives a named person need-to-know, and sets its timers.</summary>
    public static OutgoingMessages Open(TaskItem task, IDocumentSession session, DateTimeOffset now)
    {
        session.Store(task);
        session.Events.Append(task.IncidentId, new TaskOpened(task.IncidentId, task.Id, task.RunId, task.StepId, task.Title, task.Assignee,
            task.AssignedAs, task.AckBy, task.DueBy, task.EscalationOf, now));
        if (task.Assignee.StartsWith("user:", StringComparison.Ordinal))
            session.Events.Append(task.IncidentId, new ParticipantAdded(task.IncidentId, task.Assignee["user:".Length..], "system", now));

        var timers = new OutgoingMessages
        {
            new Notifications.Notify(task.IncidentId, task.EscalationOf is null ? "task" : "escalation",
                $"{task.Title}{(task.DueBy is { } due ? $" (due {due:u})" : "")}", [task.Assignee]),
        };
        if (task.AckBy is { } ackBy) timers.Delay(new TaskAckDue(task.Id), ackBy - now);
        if (task.DueBy is { } dueBy) timers.Delay(new TaskDue(task.Id), dueBy - now);
        return timers;
    }
}

/// <summary>
/// A task not acknowledged (or not completed) in time is marked escalated, and whoever it escalates
/// to gets a task of their own. A timer that finds the task already handled does nothing.
/// </summary>
public static class TaskAckDueHandler
{
    public static async Task<OutgoingMessages> Handle(TaskAckDue due, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var task = await session.LoadAsync<TaskItem>(due.TaskId, ct);
        return task is { Status: TaskStatuses.Open }
            ? TaskEscalation.Escalate(task, $"not acknowledged by {task.AckBy:O}", session, clock.GetUtcNow())
            : [];
    }
}

public static class TaskDueHandler
{
    public static async Task<OutgoingMessages> Handle(TaskDue due, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var task = await session.LoadAsync<TaskItem>(due.TaskId, ct);
        return task is { Status: TaskStatuses.Open or TaskStatuses.Acknowledged }
            ? TaskEscalation.Escalate(task, $"not completed by {task.DueBy:O}", session, clock.GetUtcNow())
            : [];
    }
}

public static class TaskEscalation
{
    public static OutgoingMessages Escalate(TaskItem task, string reason, IDocumentSession session, DateTimeOffset now)
    {
        var to = task.EscalateTo ?? PlaybookRun.Escalation;
        task.Status = TaskStatuses.Escalated;
        session.Store(task);
        session.Events.Append(task.IncidentId, new TaskEscalated(task.IncidentId, task.Id, reason, to, now));
        return OpenTaskHandler.Open(new TaskItem
        {
            Id = Guid.CreateVersion7(), IncidentId = task.IncidentId, RunId = task.RunId, StepId = task.StepId,
            Title = $"Escalated ({reason}): {task.Title}", Instructions = task.Instructions, AssignedAs = to, Assignee = to,
            Outputs = task.Outputs, OpenedAt = now, EscalationOf = task.Id,
        }, session, now);
    }
}

/// <summary>A run that ended cancels its open tasks.</summary>
public static class CancelRunTasksHandler
{
    public static async Task Handle(RunWorkClosed closed, IDocumentSession session, CancellationToken ct)
    {
        foreach (var task in await session.Query<TaskItem>().Where(t => t.RunId == closed.RunId).ToListAsync(ct))
        {
            if (task.IsDone || (closed.StepId is { } step && task.StepId != step) || task.OpenedAt > closed.OpenedBefore) continue;
            task.Status = TaskStatuses.Cancelled;
            session.Store(task);
        }
    }
}
