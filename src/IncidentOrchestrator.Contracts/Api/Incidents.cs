namespace IncidentOrchestrator.Contracts;

/// <summary>Ordered: comparisons follow low &lt; medium &lt; high &lt; critical.</summary>
public enum Severity
{
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

public enum IncidentStatus
{
    Open,
    Contained,
    Resolved,
    /// <summary>Resolved, and in its post-incident review.</summary>
    Reviewing,
    Closed,
}

/// <summary>The body of <c>POST /api/incidents</c>: a commander declares an incident by hand.</summary>
public sealed record DeclareIncident(string? Title, Severity? Severity, bool? Restricted, string? Summary);

/// <summary>The body of <c>POST /api/incidents/{id}/status</c>: resolve, begin the review, or close, with a reason.</summary>
public sealed record ChangeStatus(string? Status, string? Reason);

/// <summary>The body of <c>POST /api/incidents/{id}/commander</c>: who takes command.</summary>
public sealed record HandOverCommand(string? Subject);

/// <summary>The body of <c>POST /api/incidents/{id}/participants</c>: who joins a restricted incident.</summary>
public sealed record AddParticipant(string? Subject);
