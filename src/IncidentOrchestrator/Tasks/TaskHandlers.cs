using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Runs;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Tasks;

public static class OpenTaskHandler
{
    public static OutgoingMessages Handle(OpenTask command, IDocumentSession session, Rotations rotations, TimeProvider clock) =>
        When(command, new MartenWorkStore(session), rotations, clock.GetUtcNow());

    internal static OutgoingMessages When(OpenTask command, IWorkStore store, Rotations rotations, DateTimeOffset now)
    {
        var task = new TaskItem
        {
            Id = Guid.CreateVersion7(), IncidentId = command.IncidentId, RunId = command.RunId, StepId = command.StepId,
            Title = command.Title, Instructions = command.Instructions, AssignedAs = command.AssignedAs,
            Assignee = rotations.Resolve(command.AssignedAs, now), EscalateTo = command.EscalateTo, Outputs = command.Outputs,
            Decisions = command.Decisions, OpenedAt = now, AckBy = now + command.AckWithin, DueBy = now + command.DueWithin,
            OutputTypes = command.OutputTypes ?? [], Subject = command.Subject,
        };
        return Open(task, store, now);
    }

    /// <summary>Stores the task, puts it on the timeline, gives a named person need-to-know, and sets its timers.</summary>
    public static OutgoingMessages Open(TaskItem task, IWorkStore store, DateTimeOffset now)
    {
        if (task.WorkId == Guid.Empty) task.WorkId = task.Id;
        store.Store(task);
        store.Append(task.IncidentId, new TaskOpened(task.IncidentId, task.Id, task.RunId, task.StepId, task.Title, task.Assignee,
            task.AssignedAs, task.AckBy, task.DueBy, task.EscalationOf, now));
        if (task.Assignee.StartsWith("user:", StringComparison.Ordinal))
            store.Append(task.IncidentId, new ParticipantAdded(task.IncidentId, task.Assignee["user:".Length..], "system", now));

        var timers = new OutgoingMessages
        {
            new Notifications.Notify(task.IncidentId, task.EscalationOf is null ? "task" : "escalation",
                $"{task.Title}{(task.DueBy is { } due ? $" (due {due:u})" : "")}", [task.Assignee], task.Id, task.DueBy, Notifications.NotificationKinds.TaskWork),
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
    public static Task<OutgoingMessages> Handle(TaskAckDue due, IDocumentSession session, TaskEscalation escalation, TimeProvider clock,
        CancellationToken ct) =>
        When(due, new MartenWorkStore(session), escalation, clock.GetUtcNow(), ct);

    internal static async Task<OutgoingMessages> When(TaskAckDue due, IWorkStore store, TaskEscalation escalation, DateTimeOffset now, CancellationToken ct)
    {
        var task = await store.LoadAsync<TaskItem>(due.TaskId, ct);
        if (task is not { Status: TaskStatuses.Open }) return [];
        // An acknowledgement of any copy of the work (the original's, after an escalation) stops further escalation.
        if (task.WorkId != Guid.Empty && await store.AnyAcknowledgedAsync(task.WorkId, ct)) return [];
        return escalation.Escalate(task, $"not acknowledged by {task.AckBy:O}", store, now);
    }
}

public static class TaskDueHandler
{
    public static Task<OutgoingMessages> Handle(TaskDue due, IDocumentSession session, TaskEscalation escalation, TimeProvider clock,
        CancellationToken ct) =>
        When(due, new MartenWorkStore(session), escalation, clock.GetUtcNow(), ct);

    internal static async Task<OutgoingMessages> When(TaskDue due, IWorkStore store, TaskEscalation escalation, DateTimeOffset now, CancellationToken ct)
    {
        var task = await store.LoadAsync<TaskItem>(due.TaskId, ct);
        return task is { Status: TaskStatuses.Open or TaskStatuses.Acknowledged }
            ? escalation.Escalate(task, $"not completed by {task.DueBy:O}", store, now)
            : [];
    }
}

/// <summary>
/// Where an unanswered task goes next: its <c>escalateTo</c> (resolved through the rotations when it
/// is <c>oncall:</c>), or the next level of its escalation policy, which gets its own time to
/// acknowledge before the level after it. Past the policy's last level, the task stays with whoever
/// has it and the timeline says the policy is exhausted.
/// </summary>
public sealed class TaskEscalation(Rotations rotations, EscalationPolicies policies, ILogger<TaskEscalation> logger)
{
    public OutgoingMessages Escalate(TaskItem task, string reason, IWorkStore store, DateTimeOffset now)
    {
        var target = task.EscalateTo ?? RunDecider.Escalation;
        int? step = null;
        TimeSpan? ackWithin = null;
        if (target.StartsWith(Principals.PolicyPrefix, StringComparison.Ordinal))
        {
            var name = target[Principals.PolicyPrefix.Length..];
            if (policies.GetValueOrDefault(name) is not { Levels.Count: > 0 } policy)
            {
                logger.LogWarning("Escalation policy {Policy} is not configured (Escalation__{Policy}__Levels__0__To); escalating to {Fallback}",
                    name, name, RunDecider.Escalation);
                target = RunDecider.Escalation;
            }
            else if ((task.EscalationStep ?? -1) + 1 is var next && next >= policy.Steps)
            {
                store.Append(task.IncidentId, new TaskEscalated(task.IncidentId, task.Id, $"{reason}; policy {name} has no further level",
                    task.Assignee, now));
                return [];
            }
            else
            {
                step = next;
                target = policy.Level(next).To;
                if (next + 1 < policy.Steps) ackWithin = policy.Level(next).After;
            }
        }

        task.Status = TaskStatuses.Escalated;
        store.Store(task);
        store.Append(task.IncidentId, new TaskEscalated(task.IncidentId, task.Id, reason, target, now));
        return OpenTaskHandler.Open(new TaskItem
        {
            Id = Guid.CreateVersion7(), WorkId = task.WorkId, IncidentId = task.IncidentId, Subject = task.Subject, RunId = task.RunId, StepId = task.StepId,
            Title = $"Escalated ({reason}): {UnescalatedTitle(task)}", Instructions = task.Instructions, AssignedAs = target,
            Assignee = rotations.Resolve(target, now), EscalateTo = step is null ? null : task.EscalateTo, EscalationStep = step,
            Outputs = task.Outputs, OutputTypes = task.OutputTypes, Decisions = task.Decisions, OpenedAt = now, AckBy = now + ackWithin, EscalationOf = task.Id,
        }, store, now);
    }

    private static string UnescalatedTitle(TaskItem task) =>
        task.Title.StartsWith("Escalated (", StringComparison.Ordinal) && task.Title.IndexOf("): ", StringComparison.Ordinal) is var end and > 0
            ? task.Title[(end + 3)..]
            : task.Title;
}

/// <summary>A run that ended cancels its open tasks.</summary>
public static class CancelRunTasksHandler
{
    public static async Task<OutgoingMessages> Handle(RunWorkClosed closed, IDocumentSession session, Notifications.NotificationOptions notifications,
        CancellationToken ct)
    {
        var settled = new OutgoingMessages();
        foreach (var task in await session.Query<TaskItem>().Where(t => t.RunId == closed.RunId).ToListAsync(ct))
        {
            if (task.IsDone || (closed.StepId is { } step && task.StepId != step) || task.OpenedAt > closed.OpenedBefore) continue;
            task.Status = TaskStatuses.Cancelled;
            session.Store(task);
            if (notifications.Pages) settled.Add(new Notifications.WorkChanged(task.IncidentId, task.Id, Notifications.WorkStatuses.Settled));
        }
        return settled;
    }
}
