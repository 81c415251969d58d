using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace IncidentOrchestrator.Incidents.Status;

public static class ChangeStatusEndpoint
{
    public static ProblemDetails Validate(ChangeStatus? command) => command is null
        ? Problems.MissingBody()
        : new Problems.Validation()
            .Require(command.Status is "resolved" or "closed", "status", "Either 'resolved' or 'closed'.")
            .Require((command.Reason?.Length ?? 0) <= 2000, "reason", "At most 2000 characters.")
            .ToProblem();

    [WolverinePost("/api/incidents/{id}/status"), Authorize(Roles = Roles.Commander)]
    public static async Task<IResult> Post(Guid id, ChangeStatus command, IncidentCommands commands, ClaimsPrincipal user, DateTimeOffset now,
        CancellationToken ct) => (await ChangeAsync(id, command, commands, user, now, ct)).ToHttp();

    /// <summary>Resolves or closes the incident; a closed incident, or a resolved one resolved again, is a conflict.</summary>
    public static Task<Outcome> ChangeAsync(Guid id, ChangeStatus command, IncidentCommands commands, ClaimsPrincipal user, DateTimeOffset now,
        CancellationToken ct)
    {
        var caller = user.Caller();
        return commands.DecideAsync(id, incident => (command.Status, incident.Status) switch
        {
            (_, IncidentStatus.Closed) or ("resolved", IncidentStatus.Resolved) => IncidentDecision.Refuse(Refusal.Conflict("Status cannot change",
                $"The incident is already {ApiJson.Name(incident.Status)}; it cannot become {command.Status}.")),
            ("resolved", _) => IncidentDecision.Append(new IncidentResolved(id, command.Reason, caller.Subject, now)),
            _ => IncidentDecision.Append(new IncidentClosed(id, command.Reason, caller.Subject, now)),
        }, ct);
    }
}
