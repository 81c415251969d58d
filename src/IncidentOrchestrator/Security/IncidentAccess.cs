using IncidentOrchestrator.Incidents;
using Marten;

namespace IncidentOrchestrator.Security;

/// <summary>Need-to-know: who may see an incident.</summary>
public static class IncidentAccess
{
    public static bool CanSee(this Caller caller, Incident incident) => caller.CanSee(incident.Restricted, incident.Participants);

    /// <summary>Whether the caller takes part in the incident (its commander and participants, and administrators): they read its sensitive
    /// texts and write its review.</summary>
    public static bool TakesPart(this Caller caller, Incident incident) => caller.IsAdmin || incident.Participants.Contains(caller.Subject);

    /// <summary>The rule itself, for what carries an incident's restriction and participants with it (a notification).</summary>
    public static bool CanSee(this Caller caller, bool restricted, IReadOnlyCollection<string> participants) =>
        !restricted || caller.IsAdmin || participants.Contains(caller.Subject);

    /// <summary>The same rule as <see cref="CanSee"/>, as a query over incident documents.</summary>
    public static IQueryable<Incident> VisibleTo(this IQueryable<Incident> incidents, Caller caller) =>
        caller.IsAdmin ? incidents : incidents.Where(x => !x.Restricted || x.Participants.Contains(caller.Subject));
}
