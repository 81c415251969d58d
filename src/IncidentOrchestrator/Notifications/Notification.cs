namespace IncidentOrchestrator.Notifications;

/// <summary>
/// Something people should hear about now. <see cref="Audience"/> holds principals
/// (<c>user:x</c>, <c>role:y</c>); an empty audience means everyone who may see the incident.
/// </summary>
public sealed record Notification(
    Guid IncidentId, string Kind, string Title, string Link, IReadOnlyList<string> Audience, DateTimeOffset At)
{
    /// <summary>Who may see the incident, captured when the notification was sent.</summary>
    public bool Restricted { get; init; }
    public IReadOnlyList<string> Participants { get; init; } = [];

    /// <summary>Who else may see what it is about (principals): an access request's approvers.</summary>
    public IReadOnlyList<string> Viewers { get; init; } = [];

    /// <summary>What it is about: an incident, or an access request (<see cref="Playbooks.Model.Subjects"/>).</summary>
    public string Subject { get; init; } = Playbooks.Model.Subjects.Incident;

    /// <summary>Its page in the console, as a path.</summary>
    public string? ConsoleLink { get; init; }

    /// <summary>The incident as it was when the notification was sent: its title and severity.</summary>
    public string? IncidentTitle { get; init; }
    public Contracts.Severity? Severity { get; init; }

    /// <summary>The task or approval asked for, and by when; channels that can answer (Slack buttons, PagerDuty) use them.</summary>
    public Guid? WorkId { get; init; }
    public DateTimeOffset? DueBy { get; init; }

    /// <summary>What <see cref="WorkId"/> names: <c>task</c> or <c>approval</c> (an escalation can be either).</summary>
    public string? WorkKind { get; init; }
}

/// <summary>Send a notification after the transaction that caused it commits.</summary>
/// <param name="WorkId">The task or approval this asks for, if any.</param>
/// <param name="WorkKind"><c>task</c> or <c>approval</c>: what <paramref name="WorkId"/> names.</param>
public sealed record Notify(Guid IncidentId, string Kind, string Title, IReadOnlyList<string> Audience, Guid? WorkId = null, DateTimeOffset? DueBy = null,
    string? WorkKind = null);

/// <summary>The kinds of notification, which channels route by.</summary>
public static class NotificationKinds
{
    public const string Task = "task", Escalation = "escalation", Approval = "approval", Run = "run", Incident = "incident", FollowUp = "followup";

    /// <summary>What a notification's work item is.</summary>
    public const string TaskWork = "task", ApprovalWork = "approval", FollowUpWork = "followup";
    public static readonly string[] All = [Task, Escalation, Approval, Run, Incident, FollowUp];

    /// <summary>The kinds that change somebody's work (My work refreshes on them).</summary>
    public static bool ChangesWork(string kind) => kind is Task or Escalation or Approval or Run or FollowUp;
}
