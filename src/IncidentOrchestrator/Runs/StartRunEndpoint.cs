using System.Security.Claims;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Runs;

public static class StartRunEndpoint
{
    public static ProblemDetails Validate(StartPlaybookRun? request) => request is null
        ? Problems.MissingBody()
        : new Problems.Validation().Require(!string.IsNullOrWhiteSpace(request.Playbook), "playbook", "The playbook to run is required.").ToProblem();

    [WolverinePost("/api/incidents/{id}/runs"), Authorize(Roles = Roles.Commander)]
    public static async Task<IResult> Post(Guid id, StartPlaybookRun request, IDocumentSession session, IMessageBus bus,
        PlaybookCatalog catalog, PinnedPlaybooks pinned, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        (await StartAsync(id, request, session, bus, catalog, pinned, user, clock, ct))
        .ToHttp(accepted => TypedResults.Accepted($"/api/incidents/{id}/runs/{accepted.RunId}", accepted));

    /// <summary>Starts a loaded playbook on an incident that has not ended, with its inputs read by the types it declares.</summary>
    public static async Task<Outcome<RunAccepted>> StartAsync(Guid id, StartPlaybookRun request, IDocumentSession session, IMessageBus bus,
        PlaybookCatalog catalog, PinnedPlaybooks pinned, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var caller = user.Caller();
        var incident = await session.LoadAsync<Incident>(id, ct);
        if (incident is null) return Refusal.NotFound("Incident", id);
        if (incident.Status.HasEnded())
            return Refusal.Conflict("The incident has ended", $"Incident {id} is {ApiJson.Name(incident.Status)}; no run can start on it.");

        var validation = new Problems.Validation();
        if (catalog.Library.Find(request.Playbook!) is not { } playbook)
            return Refusal.Invalid(validation.Add("playbook", $"No playbook named '{request.Playbook}' is loaded.").ToProblem());
        if (playbook.Subject != Playbooks.Model.Subjects.Incident)
            return Refusal.Invalid(validation.Add("playbook",
                $"'{playbook.Name}' is for an {playbook.Subject}: its runs are started by the {playbook.Subject}, not on an incident.").ToProblem());
        var bound = InputBinding.Bind(playbook, JsonValues.ToPlain(request.Inputs));
        foreach (var (name, problem) in bound.Problems) validation.Add($"inputs.{name}", problem);
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem($"Playbook '{playbook.Name}' cannot start with these inputs"));

        var runId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        await pinned.PinAsync(session, playbook, now, ct);
        session.Insert(PlaybookRun.Request(runId, id, playbook, RunValues.Serialize(bound.Values), null, null, null, null, caller.Subject, now));
        await bus.PublishAsync(new StartRun(runId));
        return new RunAccepted(runId);
    }
}
