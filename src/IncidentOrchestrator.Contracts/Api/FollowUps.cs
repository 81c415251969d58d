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
