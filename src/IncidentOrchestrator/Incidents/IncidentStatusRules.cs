namespace IncidentOrchestrator.Incidents;

public static class IncidentStatusRules
{
    /// <summary>An incident that has not ended still gathers signals with its fingerprints.</summary>
    public static bool HasEnded(this IncidentStatus status) => status is IncidentStatus.Resolved or IncidentStatus.Reviewing or IncidentStatus.Closed;
}
