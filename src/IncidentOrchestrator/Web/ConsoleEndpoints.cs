using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Incidents.Commanders;
using IncidentOrchestrator.Incidents.Declaring;
using IncidentOrchestrator.Incidents.GettingDetails;
using IncidentOrchestrator.Incidents.Listing;
using IncidentOrchestrator.Incidents.Participants;
using IncidentOrchestrator.Incidents.Status;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Tasks;
using IncidentOrchestrator.Timeline;
using IncidentOrchestrator.Web.Pages;
using Marten;
using Microsoft.AspNetCore.Antiforgery;
using static IncidentOrchestrator.Web.ConsoleResults;

namespace IncidentOrchestrator.Web;

/// <summary>
/// The console's routes. Each one calls the same application code as the API endpoint it mirrors (their validation,
/// their rules, the need-to-know gate), and renders what came back for a person instead of as JSON.
/// </summary>
public static class ConsoleEndpoints
{
    public const int TimelinePage = 50;

    public static void Map(WebApplication app)
    {
        // The console is for people: none of its routes belong in the API's description.
        app.MapGet("/", () => Results.Redirect("/incidents")).AllowAnonymous().ExcludeFromDescription();
        // With a provider configured, signing in is its code flow; otherwise a person pastes a token.
        var oidc = app.Services.GetRequiredService<OidcOptions>();
        app.MapGet(ConsoleSignIn.Path, (string? returnUrl) => oidc.Enabled
            ? Results.Challenge(new Microsoft.AspNetCore.Authentication.AuthenticationProperties { RedirectUri = LocalOr(returnUrl, "/incidents") },
                [ConsoleOpenIdConnect.Scheme])
            : Page<SignInPage>(new { ReturnUrl = LocalOr(returnUrl, "/incidents") })).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(ConsoleSignIn.Path, SignInAsync).AllowAnonymous().WithMetadata(new RequireAntiforgeryTokenAttribute())
            .AddEndpointFilter(RefuseForgedForms).ExcludeFromDescription();
        app.MapPost("/signout", async (HttpContext context, CancellationToken ct) =>
        {
            await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignOutAsync(context, ConsoleSignIn.Scheme);
            return SeeOther(ConsoleSignIn.Path);
        }).AllowAnonymous().WithMetadata(new RequireAntiforgeryTokenAttribute()).AddEndpointFilter(RefuseForgedForms).ExcludeFromDescription();
        app.MapGet("/forbidden", (HttpContext context) => Page<MessagePage>(new
        {
            Signed = context.User.Caller(), Heading = "Not allowed", Text = "Your roles do not allow this. Ask an admin if they should.",
        }, StatusCodes.Status403Forbidden)).RequireAuthorization().ExcludeFromDescription();

        // Every form of the console carries an antiforgery token, and every POST is refused without it (GETs change nothing).
        // Need-to-know comes first: an incident the caller may not see is not found, forged form or not.
        // The console is for people who read incidents; each route admits whom the API operations it calls admit (Through).
        var console = app.MapGroup("").RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { Roles = Roles.Readers })
            .WithMetadata(new RequireAntiforgeryTokenAttribute()).AddEndpointFilter(NeedToKnow).AddEndpointFilter(RefuseForgedForms).ExcludeFromDescription();
        console.MapGet("/incidents", ListAsync).Through(ListIncidentsEndpoint.Get);
        console.MapPost("/incidents", DeclareAsync).Through(DeclareIncidentEndpoint.Post);
        console.MapGet("/incidents/{id:guid}", IncidentAsync).Through(GetIncidentEndpoint.Get, GetTimelineEndpoint.Get);
        console.MapGet("/incidents/{id:guid}/timeline", OlderEventsAsync).Through(GetTimelineEndpoint.Get);
        console.MapGet("/incidents/{id:guid}/verify", VerifyAsync).Through(VerifyEndpoint.Get);
        console.MapPost("/incidents/{id:guid}/participants", (Guid id, HttpContext context, IncidentCommands commands, TimeProvider clock) =>
            IncidentCommandAsync(context, id, (user, ct) =>
            {
                var command = new AddParticipant(Form(context, "subject"));
                return Operations.Validated(AddParticipantEndpoint.Validate(command), () => AddParticipantEndpoint.AddAsync(id, command, commands, user, clock.GetUtcNow(), ct));
            }))
            .Through(AddParticipantEndpoint.Post);
        console.MapPost("/incidents/{id:guid}/commander", (Guid id, HttpContext context, IncidentCommands commands, TimeProvider clock) =>
            IncidentCommandAsync(context, id, (user, ct) =>
            {
                var command = new HandOverCommand(Form(context, "subject"));
                return Operations.Validated(HandOverCommandEndpoint.Validate(command), () => HandOverCommandEndpoint.HandOverAsync(id, command, commands, user, clock.GetUtcNow(), ct));
            }))
            .Through(HandOverCommandEndpoint.Post);
        console.MapPost("/incidents/{id:guid}/status", (Guid id, HttpContext context, IncidentCommands commands, IncidentOptions options, TimeProvider clock) =>
            IncidentCommandAsync(context, id, (user, ct) =>
            {
                var change = new ChangeStatus(Form(context, "status"), Form(context, "reason") is { Length: > 0 } r ? r : null);
                return Operations.Validated(ChangeStatusEndpoint.Validate(change), () => ChangeStatusEndpoint.ChangeAsync(id, change, commands, options, user, clock.GetUtcNow(), ct));
            }))
            .Through(ChangeStatusEndpoint.Post);
        ConsoleLive.Map(console);
        ConsoleWork.Map(console);
        ConsoleRuns.Map(console);
        ConsolePlaybooks.Map(console);
        ConsoleReports.Map(console);
        ConsoleDatasets.Map(console);
        ConsoleAccess.Map(console);
        ConsoleFollowUps.Map(console);
    }

    /// <summary>A form whose antiforgery token is missing or wrong changes nothing: 400, with a page that says what to do.</summary>
    private static async ValueTask<object?> RefuseForgedForms(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (context.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false })
            return Page<MessagePage>(new
            {
                Signed = context.User.Identity?.IsAuthenticated == true ? context.User.Caller() : null, Heading = "The form was refused",
                Text = "It did not carry this session's antiforgery token (it may have come from another site, or the page is old). Reload the page and try again.",
            }, StatusCodes.Status400BadRequest);
        return await next(invocation);
    }

    public static string? Form(HttpContext context, string field) => context.Request.HasFormContentType ? context.Request.Form[field].ToString() : null;

    private static async Task<IResult> SignInAsync(HttpContext context, CancellationToken ct)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = LocalOr(form["returnUrl"], "/incidents");
        if (await ConsoleSignIn.SignInAsync(context, form["token"]) is { } error)
            return Page<SignInPage>(new { ReturnUrl = returnUrl, Error = new Microsoft.AspNetCore.Mvc.ProblemDetails { Title = "Not signed in", Detail = error } },
                StatusCodes.Status400BadRequest);
        return SeeOther(returnUrl);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IQuerySession session, IncidentReads reads, string? q, string? status,
        string? severity, string? commander, string? cursor, CancellationToken ct) =>
        await IncidentsPageAsync(context, session, reads, q, status, severity, commander, cursor, null, ct);

    private static async Task<IResult> IncidentsPageAsync(HttpContext context, IQuerySession session, IncidentReads reads, string? q, string? status,
        string? severity, string? commander, string? cursor, Microsoft.AspNetCore.Mvc.ProblemDetails? declareProblem, CancellationToken ct)
    {
        var caller = context.User.Caller();
        var listed = await ListIncidentsEndpoint.ListAsync(new IncidentFilter(Blank(status), Blank(severity), Blank(commander), Q: Blank(q), Cursor: Blank(cursor)),
            caller, session, reads, NeedToKnowGate.EndpointName(context), ct);
        if (listed.Refused is { } invalid)
            return Page<IncidentsPage>(new { Signed = caller, Q = q, Status = status, Severity = severity, Commander = commander, CanDeclare = caller.Roles.Contains(Roles.Commander), DeclareProblem = ProblemOf(invalid) },
                invalid.Status());
        var page = listed.Value!;
        return Page<IncidentsPage>(new
        {
            Signed = caller, Incidents = page.Items, NextUrl = page.Next is { } next ? Paging.NextUrl(context, "cursor", next) : null, Q = q,
            Status = status, Severity = severity, Commander = commander, CanDeclare = caller.Roles.Contains(Roles.Commander), DeclareProblem = declareProblem,
        }, declareProblem is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> DeclareAsync(HttpContext context, IQuerySession query, IncidentReads reads, TimeProvider clock, CancellationToken ct)
    {
        var form = await context.Request.ReadFormAsync(ct);
        var command = new DeclareIncident(Blank(form["title"]), ApiJson.Value<Severity>(Blank(form["severity"])), form["restricted"] == "true", Blank(form["summary"]));
        var declared = await Operations.InTransactionAsync(context, (session, _) => Operations.Validated(DeclareIncidentEndpoint.Validate(command), () =>
        {
            var (created, stream) = DeclareIncidentEndpoint.Post(command, context.User, clock.GetUtcNow());
            stream.Execute(session);
            return Task.FromResult<Outcome<IncidentCreated>>(created);
        }));
        return declared.Refused is { } refused
            ? await IncidentsPageAsync(context, query, reads, null, null, null, null, null, ProblemOf(refused), ct)
            : SeeOther($"/incidents/{declared.Value!.Id}");
    }

    private static async Task<IResult> IncidentAsync(Guid id, bool? system, HttpContext context, IQuerySession session, TimelineEventTypes eventTypes,
        PlaybookCatalog catalog, PinnedPlaybooks pinned, CancellationToken ct) =>
        Page<IncidentPage>(new { V = await IncidentViewAsync(id, system == true, context, session, eventTypes, catalog, pinned, null, ct) });

    public static async Task<IncidentView> IncidentViewAsync(Guid id, bool showSystem, HttpContext context, IQuerySession session,
        TimelineEventTypes eventTypes, PlaybookCatalog catalog, PinnedPlaybooks pinned, Microsoft.AspNetCore.Mvc.ProblemDetails? problem, CancellationToken ct,
        string? problemFor = null)
    {
        var caller = context.User.Caller();
        var incident = NeedToKnowGate.Admitted(context, id) ?? (await session.LoadAsync<Incident>(id, ct))!;
        var redact = Redaction.AppliesTo(caller, incident);
        var (timeline, older) = await NewestAsync(session, eventTypes, id, long.MaxValue, showSystem, redact, ct);
        var runs = new List<RunView>();
        foreach (var run in await session.Query<PlaybookRun>().Where(r => r.IncidentId == id).OrderBy(r => r.StartedAt).ToListAsync(ct))
            runs.Add(RunViews.Of(run, (await pinned.GetAsync(run.PlaybookHash, session, ct)).Steps.Select(s => s.Id).ToList(), redact));
        var tasks = await session.Query<TaskItem>().Where(t => t.IncidentId == id).OrderBy(t => t.OpenedAt).ToListAsync(ct);
        var approvals = await session.Query<ApprovalItem>().Where(a => a.IncidentId == id).OrderBy(a => a.OpenedAt).ToListAsync(ct);
        var evidence = await session.Query<EvidenceItem>().Where(e => e.IncidentId == id).OrderBy(e => e.CapturedAt).ToListAsync(ct);
        var followUps = await FollowUps.FollowUpEndpoints.OfIncidentAsync(incident, caller, session, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        return new IncidentView(caller, IncidentDetails.From(incident, redact), timeline, older, showSystem, runs, tasks.Select(TaskView.Of).ToList(),
            approvals.Select(ApprovalView.Of).ToList(),
            evidence.Select(e => new EvidenceSummary(e.Id, e.Name, e.RowCount, e.Truncated, e.Sha256, e.RunId, e.StepId, e.CapturedAt)).ToList(),
            catalog.Library.Playbooks.Values.Where(p => p.Subject == Playbooks.Model.Subjects.Incident).OrderBy(p => p.Title).Select(PlaybookViews.Summary).ToList(), problem)
        {
            FollowUps = followUps, TakesPart = caller.TakesPart(incident), ProblemFor = problemFor,
            Trackers = [.. context.RequestServices.GetRequiredService<FollowUps.Trackers.Trackers>().Keys.Order()],
            MayWriteReview = Incidents.Reviewing.EditReviewEndpoint.WhyNotWrite(incident, caller) is null,
        };
    }

    /// <summary>The newest events before a sequence, newest first, and the sequence to load older ones from (null at the start).</summary>
    public static async Task<(IReadOnlyList<TimelineItem> Items, long? Older)> NewestAsync(IQuerySession session, TimelineEventTypes eventTypes, Guid id,
        long before, bool showSystem, bool redact, CancellationToken ct)
    {
        return await StoredLine.ItemsAsync(session, eventTypes, new(id, true, before, TimelinePage, [], showSystem ? [] : eventTypes.System, null, redact), ct);
    }

    private static async Task<IResult> OlderEventsAsync(Guid id, long before, bool? system, HttpContext context, IQuerySession session,
        TimelineEventTypes eventTypes, CancellationToken ct)
    {
        var incident = NeedToKnowGate.Admitted(context, id)!;
        var (items, older) = await NewestAsync(session, eventTypes, id, before, system == true, Redaction.AppliesTo(context.User.Caller(), incident), ct);
        return Page<Shared.OlderEvents>(new { IncidentId = id, Items = items, Older = older, ShowSystem = system == true });
    }

    private static async Task<IResult> VerifyAsync(Guid id, HttpContext context, ChainVerifier verifier, CancellationToken ct)
    {
        return Page<Shared.ChainVerdict>(new { Verification = await verifier.VerifyAsync(id, ct) });
    }

    /// <summary>A commander's command on an incident, behind the gate: back to the incident page, or the page again with the refusal.</summary>
    /// <param name="part">The part of the page the command's form is in, where a refusal is shown (null: the actions).</param>
    public static async Task<IResult> IncidentCommandAsync(HttpContext context, Guid id, Func<System.Security.Claims.ClaimsPrincipal, CancellationToken, Task<Outcome>> command,
        string? part = null)
    {
        await context.Request.ReadFormAsync(context.RequestAborted);
        if ((await command(context.User, context.RequestAborted)).Refused is not { } refused)
            return SeeOther(part is null ? $"/incidents/{id}" : $"/incidents/{id}#{part}");
        var services = context.RequestServices;
        await using var session = services.GetRequiredService<IDocumentStore>().QuerySession();
        if (NeedToKnowGate.Admitted(context, id) is null)
        {
            // A follow-up's route names no incident: its incident is shown with the refusal only to who may see it.
            if (await session.LoadAsync<Incident>(id, context.RequestAborted) is not { } loaded || !context.User.Caller().CanSee(loaded))
                return RefusalPage(context, refused);
            context.Items[typeof(Incident)] = loaded;
        }
        var view = await IncidentViewAsync(id, false, context, session, services.GetRequiredService<TimelineEventTypes>(),
            services.GetRequiredService<PlaybookCatalog>(), services.GetRequiredService<PinnedPlaybooks>(), ProblemOf(refused), context.RequestAborted, part);
        var typed = context.Request.Form.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).ToDictionary(k => k, k => context.Request.Form[k].ToString());
        return Page<IncidentPage>(new { V = view with { Typed = typed } }, refused.Status());
    }

    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// A form's playbook inputs as typed: the API reads the text by the types the playbook declares (a number, a boolean, a
    /// list), with its own messages. An empty field is left out, so its default applies.
    /// </summary>
    public static Dictionary<string, System.Text.Json.JsonElement> TextInputs(IEnumerable<KeyValuePair<string, string>> fields) =>
        fields.Where(f => !string.IsNullOrWhiteSpace(f.Value))
            .ToDictionary(f => f.Key, f => System.Text.Json.JsonSerializer.SerializeToElement(f.Value.Trim()), StringComparer.Ordinal);
}
