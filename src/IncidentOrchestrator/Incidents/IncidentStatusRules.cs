namespace IncidentOrchestrator.Incidents;

public static class IncidentStatusRules
{
    /// <summary>An incident that has not ended still gathers signals with its fingerprints.</summary>
    public static bool HasEnded(this IncidentStatus status) => status is IncidentStatus.Resolved or IncidentStatus.Reviewing or IncidentStatus.Closed;

    /// <summary>The statuses a person may move an incident to from <paramref name="status"/>: resolved, then reviewing, then closed (which may come
    /// at any point before, once a review that is needed is written).</summary>
    public static IReadOnlyList<string> Next(this IncidentStatus status) => status switch
    {
        IncidentStatus.Open or IncidentStatus.Contained => ["resolved", "closed"],
        IncidentStatus.Resolved => ["reviewing", "closed"],
        IncidentStatus.Reviewing => ["closed"],
        _ => [],
    };
}
