using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace IncidentOrchestrator.Incidents.Participants;

public static class AddParticipantEndpoint
{
    public static ProblemDetails Validate(AddParticipant? command) => command is null
        ? Problems.MissingBody()
        : new Problems.Validation()
            .Require(!string.IsNullOrWhiteSpace(command.Subject), "subject", "The subject to grant need-to-know to is required.")
            .Require((command.Subject?.Length ?? 0) <= 200, "subject", "At most 200 characters.")
            .ToProblem();

    [WolverinePost("/api/incidents/{id}/participants"), Authorize(Roles = Roles.Commander)]
    public static async Task<IResult> Post(Guid id, AddParticipant command, IncidentCommands commands, ClaimsPrincipal user, DateTimeOffset now,
        CancellationToken ct) => (await AddAsync(id, command, commands, user, now, ct)).ToHttp();

    /// <summary>Who gives a person need-to-know: a commander (as this endpoint's role says; a follow-up's new owner gets it by the same rule).</summary>
    public static bool MayAdd(Caller caller) => caller.Roles.Contains(Roles.Commander);

    /// <summary>Gives a person need-to-know on the incident (once: adding them again changes nothing).</summary>
    public static Task<Outcome> AddAsync(Guid id, AddParticipant command, IncidentCommands commands, ClaimsPrincipal user, DateTimeOffset now,
        CancellationToken ct)
    {
        var caller = user.Caller();
        var subject = command.Subject!.Trim();
        return commands.DecideAsync(id, incident => incident.Participants.Contains(subject)
            ? IncidentDecision.Nothing
            : IncidentDecision.Append(new ParticipantAdded(id, subject, caller.Subject, now)), ct);
    }
}
