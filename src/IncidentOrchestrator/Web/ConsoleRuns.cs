using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Web.Pages;
using Marten;
using static IncidentOrchestrator.Web.ConsoleResults;

namespace IncidentOrchestrator.Web;

/// <summary>Starting a playbook from its declared inputs (with the dry-run's plan first), and a run's steps as the playbook's graph.</summary>
public static class ConsoleRuns
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/incidents/{id:guid}/runs/{runId:guid}", RunAsync).Through(GetRunEndpoint.Get);
        console.MapGet("/incidents/{id:guid}/start", (Guid id, string playbook, HttpContext context, PlaybookCatalog catalog) =>
            StartForm(context, id, playbook, catalog, null, null, StatusCodes.Status200OK))
            .Through(StartRunEndpoint.Post);
        console.MapPost("/incidents/{id:guid}/start", StartAsync).Through(StartRunEndpoint.Post);
        console.MapPost("/incidents/{id:guid}/runs/{runId:guid}/cancel", (Guid id, Guid runId, HttpContext context, IQuerySession session) =>
                ControlAsync(context, id, runId, bus => ControlRunEndpoints.CancelAsync(id, runId, ConsoleEndpoints.Form(context, "reason") is { Length: > 0 } reason ? reason : null,
                    session, bus, context.User, context.RequestAborted)))
            .Through(ControlRunEndpoints.Cancel);
        console.MapPost("/incidents/{id:guid}/runs/{runId:guid}/steps/{stepId}/{resolution:regex(^(retry|skip)$)}",
                (Guid id, Guid runId, string stepId, string resolution, HttpContext context, IQuerySession session) =>
                    ControlAsync(context, id, runId, bus =>
                        ControlRunEndpoints.ResolveAsync(id, runId, stepId, resolution, session, bus, context.User, context.RequestAborted)))
            .Through(ControlRunEndpoints.Retry, ControlRunEndpoints.Skip);
    }

    private static async Task<IResult> RunAsync(Guid id, Guid runId, HttpContext context, IQuerySession session, PinnedPlaybooks playbooks,
        CancellationToken ct)
    {
        if ((await GetRunEndpoint.FindAsync(id, runId, session, playbooks, context.User, ct)).Value is not { } run) return NotFound(context, "run");
        var playbook = await playbooks.GetAsync(run.PlaybookHash, session, ct);
        var incident = NeedToKnowGate.Admitted(context, id)!;
        var children = await session.Query<PlaybookRun>().Where(r => r.ParentRunId == runId).ToListAsync(ct);
        return Page<RunPage>(new
        {
            Signed = context.User.Caller(), IncidentTitle = incident.Title, Run = run, Playbook = playbook,
            Children = children.ToDictionary(c => c.ParentStepId ?? "", c => c.Id),
        });
    }

    private static IResult StartForm(HttpContext context, Guid id, string name, PlaybookCatalog catalog, Plan? plan,
        Microsoft.AspNetCore.Mvc.ProblemDetails? problem, int status, IReadOnlyDictionary<string, string>? values = null)
    {
        if (catalog.Library.Find(name) is not { } playbook) return NotFound(context, "playbook");
        return Page<StartPage>(new
        {
            Signed = context.User.Caller(), Incident = NeedToKnowGate.Admitted(context, id)!, Playbook = PlaybookViews.Definition(playbook), Plan = plan,
            Problem = problem, Values = values ?? new Dictionary<string, string>(),
        }, status);
    }

    private static async Task<IResult> StartAsync(Guid id, HttpContext context, PlaybookCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var form = await context.Request.ReadFormAsync(ct);
        var name = form["playbook"].ToString();
        if (catalog.Library.Find(name) is null) return NotFound(context, "playbook");
        var values = form.Keys.Where(k => k.StartsWith("inputs.", StringComparison.Ordinal)).ToDictionary(k => k["inputs.".Length..], k => form[k].ToString());
        var inputs = ConsoleEndpoints.TextInputs(values);

        if (form["intent"] == "preview")
        {
            var dryRun = DryRunPlaybookEndpoint.MakePlan(name, new DryRunPlaybook(inputs, null, null, null), catalog);
            return StartForm(context, id, name, catalog, dryRun.Value, ProblemOf(dryRun.Refused), StatusCodes.Status200OK, values);
        }

        var request = new StartPlaybookRun(name, inputs);
        var started = await Operations.InTransactionAsync(context, (session, bus) =>
            Operations.Validated(StartRunEndpoint.Validate(request), () => StartRunEndpoint.StartAsync(id, request, session, bus, catalog,
                context.RequestServices.GetRequiredService<PinnedPlaybooks>(), context.User, clock, ct)));
        return started.Refused is { } refused
            ? StartForm(context, id, name, catalog, null, ProblemOf(refused), refused.Status(), values)
            : SeeOther($"/incidents/{id}/runs/{started.Value!.RunId}");
    }

    private static async Task<IResult> ControlAsync(HttpContext context, Guid id, Guid runId, Func<Wolverine.IMessageBus, Task<Outcome>> control) =>
        (await Operations.InTransactionAsync(context, (_, bus) => control(bus))).Refused is { } refused
            ? RefusalPage(context, refused)
            : SeeOther($"/incidents/{id}/runs/{runId}");
}
