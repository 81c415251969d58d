using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Notifications;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Incidents.Commanders;

public sealed record HandOverCommand(string? Subject);

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

    [WolverinePost("/api/incidents/{id}/commander"), Authorize(Roles = "commander,admin")]
    public static async Task<IResult> Post(Guid id, HandOverCommand command, IDocumentSession session, IMessageBus bus, ClaimsPrincipal user,
        DateTimeOffset now, CancellationToken ct)
    {
        var caller = user.Caller();
        var stream = await session.Events.FetchForWriting<Incident>(id, ct);
        if (stream.Aggregate is not { } incident) return Problems.NotFound("Incident", id);

        var mayHandOver = caller.IsAdmin || incident.Commander == caller.Subject
                          || (incident.Commander is null && caller.Roles.Contains(Roles.Commander));
        if (!mayHandOver)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not the commander",
                detail: $"Only the incident's commander ({incident.Commander}) or an admin may hand over command.");

        var subject = command.Subject!.Trim();
        if (incident.Commander == subject) return TypedResults.NoContent();
        stream.AppendOne(new CommanderAssigned(id, subject, incident.Commander, "hand-over", caller.Subject, now));
        await bus.PublishAsync(new Notify(id, "incident", $"You now command the incident: {incident.Title}", [$"user:{subject}"]));
        return TypedResults.NoContent();
    }
}
