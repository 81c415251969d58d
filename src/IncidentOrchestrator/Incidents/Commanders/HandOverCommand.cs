using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Notifications;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace IncidentOrchestrator.Incidents.Commanders;

/// <summary>
/// <c>POST /api/incidents/{id}/commander</c>: the current commander (or an admin) hands command to
/// someone else, who becomes a participant; the previous commander stays one. An incident nobody
/// commands may be taken by a commander who can see it.
/// </summary>
public static class HandOverCommandEndpoint
{
    public static ProblemDetails Validate(HandOverCommand? command) => command is null
        ? Problems.MissingBody()
        : new Problems.Validation()
            .Require(!string.IsNullOrWhiteSpace(command.Subject), "subject", "The subject who takes command is required.")
            .Require((command.Subject?.Length ?? 0) <= 200, "subject", "At most 200 characters.")
            .ToProblem();

    /// <summary>Who may hand command over: the incident's commander, an admin, or (when nobody commands it) any commander.</summary>
    public static bool MayHandOver(string? commander, Caller caller) =>
        caller.IsAdmin || commander == caller.Subject || (commander is null && caller.Roles.Contains(Roles.Commander));

    [WolverinePost("/api/incidents/{id}/commander"), Authorize(Roles = Roles.CommandersAndAdmins)]
    public static async Task<IResult> Post(Guid id, HandOverCommand command, IncidentCommands commands, ClaimsPrincipal user, DateTimeOffset now,
        CancellationToken ct) => (await HandOverAsync(id, command, commands, user, now, ct)).ToHttp();

    /// <summary>Hands command to someone else (<see cref="MayHandOver"/>); handing it to whoever has it changes nothing.</summary>
    public static Task<Outcome> HandOverAsync(Guid id, HandOverCommand command, IncidentCommands commands, ClaimsPrincipal user, DateTimeOffset now,
        CancellationToken ct)
    {
        var caller = user.Caller();
        var subject = command.Subject!.Trim();
        return commands.DecideAsync(id, incident =>
        {
            if (!MayHandOver(incident.Commander, caller))
                return IncidentDecision.Refuse(Refusal.Forbidden("Not the commander",
                    $"Only the incident's commander ({incident.Commander}) or an admin may hand over command."));
            if (incident.Commander == subject) return IncidentDecision.Nothing;
            return new IncidentDecision(null, [new CommanderAssigned(id, subject, incident.Commander, "hand-over", caller.Subject, now)],
                [new Notify(id, "incident", $"You now command the incident: {incident.Title}", [$"user:{subject}"])]);
        }, ct);
    }
}
