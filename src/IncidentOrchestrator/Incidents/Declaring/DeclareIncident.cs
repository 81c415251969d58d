using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace IncidentOrchestrator.Incidents.Declaring;

public sealed record IncidentCreated(Guid Id) : CreationResponse($"/api/incidents/{Id}");

public static class DeclareIncidentEndpoint
{
    public const int MaxTitleLength = 300;
    public const int MaxSummaryLength = 20_000;

    public static ProblemDetails Validate(DeclareIncident? command) => command is null
        ? Problems.MissingBody()
        : new Problems.Validation()
            .Require(!string.IsNullOrWhiteSpace(command.Title), "title", "A title is required.")
            .Require((command.Title?.Length ?? 0) <= MaxTitleLength, "title", $"At most {MaxTitleLength} characters.")
            .Require(command.Severity is not null, "severity", "One of low, medium, high, critical is required.")
            .Require((command.Summary?.Length ?? 0) <= MaxSummaryLength, "summary", $"At most {MaxSummaryLength} characters.")
            .ToProblem();

    [WolverinePost("/api/incidents"), Authorize(Roles = Roles.Commander)]
    public static (IncidentCreated, IStartStream) Post(DeclareIncident command, ClaimsPrincipal user, DateTimeOffset now)
    {
        var caller = user.Caller();
        var id = Guid.CreateVersion7();
        var declared = new IncidentDeclared(id, command.Title!.Trim(), command.Severity!.Value, command.Restricted ?? false,
            command.Summary, caller.Subject, caller.Name, now);
        return (new IncidentCreated(id), MartenOps.StartStream<Incident>(id, declared));
    }
}
