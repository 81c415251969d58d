using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Web.Pages;
using Marten;
using static IncidentOrchestrator.Web.ConsoleResults;

namespace IncidentOrchestrator.Web;

/// <summary>The playbook catalogue: each playbook's exact text and hash, a dry run of it, and an editor that validates pasted text.</summary>
public static class ConsolePlaybooks
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/playbooks", (HttpContext context, PlaybookCatalog catalog) => Page<PlaybooksPage>(new
        {
            Signed = context.User.Caller(), Playbooks = ListPlaybooksEndpoint.Get(catalog), LoadError = catalog.LoadError, Text = "",
        })).Through(ListPlaybooksEndpoint.Get);
        console.MapPost("/playbooks/validate", async (HttpContext context, PlaybookCatalog catalog) =>
        {
            var text = (await context.Request.ReadFormAsync(context.RequestAborted))["text"].ToString();
            var errors = ValidatePlaybookEndpoint.Check(text, catalog);
            return Page<PlaybooksPage>(new
            {
                Signed = context.User.Caller(), Playbooks = ListPlaybooksEndpoint.Get(catalog), LoadError = catalog.LoadError, Text = text, Validated = true,
                Errors = errors,
            }, errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        }).Through(ValidatePlaybookEndpoint.Post);
        console.MapGet("/playbooks/{name}", PlaybookAsync).Through(GetPlaybookEndpoint.Get);
        console.MapPost("/playbooks/{name}/dry-run", async (string name, HttpContext context, PlaybookCatalog catalog, IQuerySession session,
            PinnedPlaybooks pinned, CancellationToken ct) =>
        {
            var form = await context.Request.ReadFormAsync(ct);
            if (catalog.Library.Find(name) is null) return NotFound(context, "playbook");
            var typed = form.Keys.Where(k => k.StartsWith("inputs.", StringComparison.Ordinal)).ToDictionary(k => k["inputs.".Length..], k => form[k].ToString());
            var severity = ConsoleEndpoints.Blank(form["severity"]);
            var planned = DryRunPlaybookEndpoint.MakePlan(name, new DryRunPlaybook(ConsoleEndpoints.TextInputs(typed), new DryRunIncident(severity, null), null, null), catalog);
            return await PlaybookPageAsync(name, null, context, catalog, session, pinned, ct, planned.Value, ProblemOf(planned.Refused),
                dryRun: new DryRunView(typed, severity));
        }).Through(DryRunPlaybookEndpoint.Post);
        console.MapPost("/playbooks/{name}/replay", async (string name, HttpContext context, PlaybookCatalog catalog, IDocumentSession session,
            PinnedPlaybooks pinned, PlaybookOptions options, NeedToKnowGate needToKnow, TimeProvider clock, CancellationToken ct) =>
        {
            var form = await context.Request.ReadFormAsync(ct);
            var text = form["text"].ToString();
            var days = int.TryParse(form["days"], out var d) && d is > 0 and <= 3650 ? d : 30;
            var replayed = await ReplayPlaybookEndpoint.ReplayAsync(new ReplayPlaybook(text, null, clock.GetUtcNow().AddDays(-days), null, null, null),
                catalog, options, pinned, session, needToKnow, context.User, context, clock, ct);
            var replay = new ReplayView(text, days, replayed.Value, replayed.Refused?.Located ?? [],
                replayed.Refused is { Located: null } refused ? ProblemOf(refused) : null);
            return await PlaybookPageAsync(name, null, context, catalog, session, pinned, ct, null, null, replay);
        }).Through(ReplayPlaybookEndpoint.Post);
    }

    /// <summary>What was typed into the dry run's form, shown again beside its plan.</summary>
    public sealed record DryRunView(IReadOnlyDictionary<string, string> Values, string? Severity);

    /// <summary>A replay as the playbook page shows it: the candidate text and window it was asked with, and its answer or errors.</summary>
    public sealed record ReplayView(string Text, int Days, ReplayAnswer? Answer, IReadOnlyList<ValidationErrorView> Errors,
        Microsoft.AspNetCore.Mvc.ProblemDetails? Problem);

    private static async Task<IResult> PlaybookAsync(string name, string? hash, HttpContext context, PlaybookCatalog catalog, IQuerySession session,
        PinnedPlaybooks pinned, CancellationToken ct) => await PlaybookPageAsync(name, hash, context, catalog, session, pinned, ct, null, null);

    private static async Task<IResult> PlaybookPageAsync(string name, string? hash, HttpContext context, PlaybookCatalog catalog, IQuerySession session,
        PinnedPlaybooks pinned, CancellationToken ct, Plan? plan, Microsoft.AspNetCore.Mvc.ProblemDetails? problem, ReplayView? replay = null,
        DryRunView? dryRun = null)
    {
        var loaded = catalog.Library.Find(name);
        // A run's page links to the exact text it pinned, which may no longer be the loaded one.
        var playbook = hash is { Length: 64 } && loaded?.Hash != hash && await session.LoadAsync<PinnedPlaybook>(hash, ct) is not null
            ? await pinned.GetAsync(hash, session, ct)
            : loaded;
        if (playbook is null || playbook.Name != name) return NotFound(context, "playbook");
        return Page<PlaybookPage>(new
        {
            Signed = context.User.Caller(), Playbook = PlaybookViews.Definition(playbook), IsLoaded = loaded?.Hash == playbook.Hash, Plan = plan, Problem = problem,
            Replay = replay, DryRun = dryRun ?? new DryRunView(new Dictionary<string, string>(), null),
        }, replay is { Errors.Count: > 0 } ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
    }
}
