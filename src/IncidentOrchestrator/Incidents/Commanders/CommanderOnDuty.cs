using IncidentOrchestrator.Notifications;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;

namespace IncidentOrchestrator.Incidents.Commanders;

/// <summary>Configuration section <c>Incidents</c>.</summary>
public sealed class IncidentOptions
{
    /// <summary>The on-call rotation (<c>OnCall__&lt;rotation&gt;__…</c>) whose person on call commands every incident a signal opens.</summary>
    public string? CommanderRotation { get; set; }

    /// <summary>The severities whose incidents close only once their review is written, as a comma list (<c>Incidents__ReviewRequiredFor=critical,high</c>,
    /// the default), or <c>none</c>.</summary>
    public string ReviewRequiredFor { get; set; } = "critical,high";
}

/// <summary>
/// Who commands an incident a signal opens: whoever is on call in the commander rotation at that
/// moment. When nobody is (no rotation configured, or an empty one) the incident still opens, and
/// the gap is loud: on its timeline, to the admins, and in readiness.
/// </summary>
public sealed class CommanderOnDuty(IncidentOptions options, Rotations rotations)
{
    /// <summary>The person on call now, or why there is none.</summary>
    public (string? Subject, string? Gap) At(DateTimeOffset moment)
    {
        if (string.IsNullOrWhiteSpace(options.CommanderRotation))
            return (null, "no commander rotation is configured (Incidents__CommanderRotation)");
        if (!rotations.TryGetValue(options.CommanderRotation, out var rotation))
            return (null, $"the commander rotation '{options.CommanderRotation}' is not configured (OnCall__{options.CommanderRotation}__Members__0)");
        return rotation.OnCallAt(moment) is { } person
            ? (person, null)
            : (null, $"nobody is on call in the commander rotation '{options.CommanderRotation}'");
    }

    /// <summary>The events and notification that give a newly opened incident its commander, or say loudly that it has none.</summary>
    public (object Event, Notify Notification) ForNewIncident(Guid incidentId, string title, DateTimeOffset now)
    {
        var (subject, gap) = At(now);
        return subject is not null
            ? (new CommanderAssigned(incidentId, subject, null, $"on call in rotation {options.CommanderRotation}", "system", now),
                new Notify(incidentId, "incident", $"You command a new incident: {title}", [$"user:{subject}"]))
            : (new CommanderUnassigned(incidentId, gap!, now),
                new Notify(incidentId, "incident", $"An incident has no commander ({gap}): {title}", [$"role:{Roles.Admin}"]));
    }
}
