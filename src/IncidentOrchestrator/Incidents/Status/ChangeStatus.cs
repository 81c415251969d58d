using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents.Commanders;
using IncidentOrchestrator.Incidents.Reviewing;
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
            .Require(command.Status is "resolved" or "reviewing" or "closed", "status", "One of: resolved, reviewing, closed.")
            .Require((command.Reason?.Length ?? 0) <= 2000, "reason", "At most 2000 characters.")
            .ToProblem();

    [WolverinePost("/api/incidents/{id}/status"), Authorize(Roles = Roles.Commander)]
    public static async Task<IResult> Post(Guid id, ChangeStatus command, IncidentCommands commands, IncidentOptions options, ClaimsPrincipal user,
        DateTimeOffset now, CancellationToken ct) => (await ChangeAsync(id, command, commands, options, user, now, ct)).ToHttp();

    /// <summary>
    /// Resolves the incident, begins its review (once resolved) or closes it (once its review is written, for the severities that need one).
    /// A closed incident changes no more; a resolved one is not resolved again.
    /// </summary>
    public static Task<Outcome> ChangeAsync(Guid id, ChangeStatus command, IncidentCommands commands, IncidentOptions options, ClaimsPrincipal user,
        DateTimeOffset now, CancellationToken ct)
    {
        var caller = user.Caller();
        return commands.DecideAsync(id, incident => (command.Status, incident.Status) switch
        {
            ("reviewing", IncidentStatus.Open or IncidentStatus.Contained) => IncidentDecision.Refuse(Refusal.Conflict("Not resolved yet",
                $"The incident is {ApiJson.Name(incident.Status)}; its review begins once it is resolved.")),
            _ when !incident.Status.Next().Contains(command.Status) => IncidentDecision.Refuse(Refusal.Conflict("Status cannot change",
                $"The incident is already {ApiJson.Name(incident.Status)}; it cannot become {command.Status}.")),
            ("resolved", _) => IncidentDecision.Append(new IncidentResolved(id, command.Reason, caller.Subject, now)),
            ("reviewing", _) => IncidentDecision.Append(new IncidentReviewBegan(id, caller.Subject, now, command.Reason)),
            _ => IncidentReviewRules.WhyNotClose(options, incident) is { } why
                ? IncidentDecision.Refuse(why)
                : IncidentDecision.Append(new IncidentClosed(id, command.Reason, caller.Subject, now)),
        }, ct);
    }
}
