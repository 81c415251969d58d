namespace IncidentOrchestrator.Contracts;

/// <summary>
/// The body of <c>POST /api/incidents/{id}/followups</c>. Left out: the owner is the incident's commander, the due date follows from the
/// incident's severity, and so does the priority.
/// </summary>
/// <param name="Owner">A person (<c>user:alice</c>, or just <c>alice</c>), or <c>oncall:&lt;rotation&gt;</c>: whoever is on call then.</param>
/// <param name="Due">A date and time (ISO 8601), or a duration from now (<c>14d</c>).</param>
public sealed record CreateFollowUp(
    string? Title, string? Description = null, string? Owner = null, string? Due = null, string? Priority = null, List<string>? Tags = null);

/// <summary>The body of <c>POST /api/followups/{followUpId}/status</c>: <c>open</c>, <c>in-progress</c>, <c>done</c>, or <c>wont-do</c> with a reason.</summary>
public sealed record ChangeFollowUpStatus(string? Status, string? Reason = null);

/// <summary>The body of <c>POST /api/followups/{followUpId}/export</c>: the configured tracker to export the follow-up to.</summary>
public sealed record ExportFollowUpTo(string? Tracker);

/// <summary>Where a follow-up stands.</summary>
public static class FollowUpStatuses
{
    public const string Open = "open", InProgress = "in-progress", Done = "done", WontDo = "wont-do";
    public static readonly string[] All = [Open, InProgress, Done, WontDo];

    /// <summary>Open and in-progress follow-ups still have work in them: they are reminded of and escalated when overdue.</summary>
    public static readonly string[] Pending = [Open, InProgress];

    public static bool IsPending(string status) => Pending.Contains(status);
}

public static class FollowUpPriorities
{
    public const string Low = "low", Medium = "medium", High = "high", Urgent = "urgent";
    public static readonly string[] All = [Low, Medium, High, Urgent];

    /// <summary>A follow-up is as urgent as its incident was severe, unless its creator says otherwise.</summary>
    public static string Of(Severity severity) => severity switch
    {
        Severity.Critical => Urgent,
        Severity.High => High,
        Severity.Medium => Medium,
        _ => Low,
    };
}
