namespace IncidentOrchestrator.Incidents;

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
    Closed,
}

public static class IncidentStatusRules
{
    /// <summary>An incident that has not ended still gathers signals with its fingerprints.</summary>
    public static bool HasEnded(this IncidentStatus status) => status is IncidentStatus.Resolved or IncidentStatus.Closed;
}
