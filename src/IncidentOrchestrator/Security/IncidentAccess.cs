using IncidentOrchestrator.Incidents;
using Marten;

namespace IncidentOrchestrator.Security;

/// <summary>Need-to-know: who may see an incident.</summary>
public static class IncidentAccess
{
    public static bool CanSee(this Caller caller, Incident incident) =>
        !incident.Restricted || caller.IsAdmin || incident.Participants.Contains(caller.Subject);

    /// <summary>The same rule as <see cref="CanSee"/>, as a query over incident documents.</summary>
    public static IQueryable<Incident> VisibleTo(this IQueryable<Incident> incidents, Caller caller) =>
        caller.IsAdmin ? incidents : incidents.Where(x => !x.Restricted || x.Participants.Contains(caller.Subject));
}
