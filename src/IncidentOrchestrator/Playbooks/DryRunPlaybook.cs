using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace IncidentOrchestrator.Playbooks;

/// <summary>The ordered plan of a run: which steps would run, be skipped, wait, and why. Nothing is executed.</summary>
public static class DryRunPlaybookEndpoint
{
    public static ProblemDetails Validate(DryRunPlaybook? request)
    {
        if (request is null) return Problems.MissingBody();
        return new Problems.Validation()
            .Require(request.Incident?.Severity is null || Expressions.Severities.IsSeverity(request.Incident.Severity),
                "incident.severity", "One of low, medium, high, critical.")
            .ToProblem();
    }

    [WolverinePost("/api/playbooks/{name}/dry-run"), Authorize(Roles = Roles.PlaybookAuthors)]
    public static IResult Post(string name, DryRunPlaybook request, PlaybookCatalog catalog) => MakePlan(name, request, catalog).ToHttp(TypedResults.Ok);

    /// <summary>What a run of the loaded playbook would do with these inputs and assumed outcomes; nothing is executed.</summary>
    public static Outcome<Plan> MakePlan(string name, DryRunPlaybook request, PlaybookCatalog catalog)
    {
        // Its own check first, whichever door calls it (the API's generated code has already run it; it is cheap).
        if (Validate(request) is var problem && !ReferenceEquals(problem, WolverineContinue.NoProblems)) return Refusal.Invalid(problem);
        if (catalog.Library.Find(name) is not { } playbook) return Refusal.NotFound("Playbook", name);

        var planRequest = new Planner.Request(
            JsonValues.ToPlain(request.Inputs),
            IncidentFacts.Preview(request.Incident?.Severity ?? playbook.Severity ?? "high", request.Incident?.Restricted ?? playbook.Restricted),
            request.Signal is null ? null : JsonValues.ToPlain(request.Signal),
            request.Decisions ?? [], Actions: catalog.Actions, Playbooks: catalog.Library.Find);

        var problems = Planner.Check(playbook, planRequest);
        if (problems.Count > 0)
        {
            var validation = new Problems.Validation();
            foreach (var (field, message) in problems) validation.Add(field, message);
            return Refusal.Invalid(validation.ToProblem($"The dry run of '{name}' cannot be planned"));
        }
        return Planner.Make(playbook, planRequest);
    }
}
