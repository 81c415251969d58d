using System.Text.Json;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Tasks;

public static class TaskStatuses
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Completed = "completed";
    public const string Escalated = "escalated";
    public const string Cancelled = "cancelled";

    /// <summary>Another copy of the same work (the original or an escalation of it) was completed first.</summary>
    public const string Superseded = "superseded";

    public static readonly string[] All = [Open, Acknowledged, Completed, Escalated, Cancelled, Superseded];

    /// <summary>An escalated task widened the circle; its assignee can still do the work.</summary>
    public static bool IsActionable(string status) => Actionable.Contains(status);

    /// <summary>The statuses of a task someone still has to act on.</summary>
    public static readonly string[] Actionable = [Open, Acknowledged, Escalated];
}

/// <summary>
/// Work a person must do for a run's task step, or a copy of it that an escalation gave someone else.
/// The copies of one piece of work share a <see cref="WorkId"/>: whoever completes one first does the
/// work, and the others are superseded. Saved with optimistic concurrency, so a timer and a person
/// (or two people) acting on the same work at once cannot overwrite each other.
/// </summary>
[Marten.Schema.UseOptimisticConcurrency]
public sealed class TaskItem
{
    /// <summary>The <see cref="RunId"/> of a task no run waits for (a programme's overdue review): completing it ends only itself.</summary>
    public static readonly Guid NoRun = Guid.Empty;

    public Guid Id { get; set; }

    /// <summary>The original task of this piece of work: its own id, or the id of the task it is an escalated copy of.</summary>
    public Guid WorkId { get; set; }
    public Guid IncidentId { get; set; }

    /// <summary>What its run acts for: an incident, or an access request (<see cref="IncidentId"/> is then the request's id).</summary>
    public string Subject { get; set; } = Playbooks.Model.Subjects.Incident;
    public Guid RunId { get; set; }
    public string StepId { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Instructions { get; set; }

    /// <summary>Whom it is for, resolved when it opened: <c>user:&lt;id&gt;</c> or <c>role:&lt;role&gt;</c>.</summary>
    public string Assignee { get; set; } = "";

    /// <summary>As the playbook said it, e.g. <c>oncall:security</c>.</summary>
    public string AssignedAs { get; set; } = "";
    public string? EscalateTo { get; set; }
    public List<string> Outputs { get; set; } = [];

    /// <summary>The outputs declared with a type (text included); none for a plain list of names, or on tasks opened before types were kept.</summary>
    public Dictionary<string, Playbooks.Model.InputType> OutputTypes { get; set; } = [];
    public string Status { get; set; } = TaskStatuses.Open;
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? AckBy { get; set; }
    public DateTimeOffset? DueBy { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? CompletedBy { get; set; }
    public Dictionary<string, JsonElement> Results { get; set; } = [];
    public string? Notes { get; set; }

    /// <summary>The values the output <c>decision</c> may take, for a task that asks for a decision.</summary>
    public List<string>? Decisions { get; set; }

    /// <summary>For an escalation task: the task it escalates.</summary>
    public Guid? EscalationOf { get; set; }

    /// <summary>For a task an escalation policy opened: which of its escalations (0 for the first level) it is.</summary>
    public int? EscalationStep { get; set; }

    public bool IsDone => Status is TaskStatuses.Completed or TaskStatuses.Cancelled or TaskStatuses.Superseded;
}

public sealed record TaskOpened(Guid IncidentId, Guid TaskId, Guid RunId, string StepId, string Title, string Assignee, string AssignedAs,
    DateTimeOffset? AckBy, DateTimeOffset? DueBy, Guid? EscalationOf, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => EscalationOf is null
        ? $"Task for {Assignee}{(AssignedAs != Assignee ? $" ({AssignedAs})" : "")}: {Title}"
        : $"Escalated to {Assignee}: {Title}";
}

public sealed record TaskAcknowledged(Guid IncidentId, Guid TaskId, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Task {TaskId} acknowledged";
}

public sealed record TaskCompleted(Guid IncidentId, Guid TaskId, string StepId, [property: Sensitive] Dictionary<string, JsonElement> Outputs,
    [property: Sensitive] string? Notes, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => Notes is null ? $"Task {StepId} completed" : $"Task {StepId} completed: {Notes}";
}

/// <summary>Another copy of the same work was completed first: this one is closed, and says by whom.</summary>
public sealed record TaskSuperseded(Guid IncidentId, Guid TaskId, Guid CompletedTaskId, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Task {TaskId} closed: {By} did the work through task {CompletedTaskId}";
}

public sealed record TaskEscalated(Guid IncidentId, Guid TaskId, string Reason, string EscalatedTo, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Task {TaskId} escalated to {EscalatedTo}: {Reason}";
}
