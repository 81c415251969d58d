using IncidentOrchestrator.Access;
using IncidentOrchestrator.Access.Reviews;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Web.Pages;
using Marten;
using Microsoft.AspNetCore.Mvc;
using static IncidentOrchestrator.Web.ConsoleResults;

namespace IncidentOrchestrator.Web;

/// <summary>
/// Access in the console: asking for access to a catalogued dataset, the requests that concern the signed-in person, and each
/// request with its decisions, its grant and its run, ended early from its page. Every form goes through the API's operations.
/// </summary>
public static class ConsoleAccess
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/access", (string? dataset, HttpContext context, IQuerySession session, CatalogueFolder folder, CancellationToken ct) =>
                AccessPageAsync(context, session, folder, new Dictionary<string, string> { ["dataset"] = dataset ?? "" }, null, ct))
            .Through(GetAccessRequestsEndpoint.List, AccessReviewEndpoints.List);

        console.MapGet("/access/reviews/{id:guid}", (Guid id, HttpContext context, IQuerySession session, CancellationToken ct) =>
                ReviewPageAsync(id, context, session, null, ct))
            .Through(AccessReviewEndpoints.Get);

        console.MapPost("/access/reviews", async (HttpContext context, TimeProvider clock, CancellationToken ct) =>
        {
            var form = await context.Request.ReadFormAsync(ct);
            var request = new OpenAccessReview(ConsoleEndpoints.Blank(form["dataset"]), ConsoleEndpoints.Blank(form["within"]));
            var services = context.RequestServices;
            var opened = await Operations.InTransactionAsync(context, (session, bus) => Operations.Validated(OpenAccessReviewEndpoint.Validate(request), () =>
                OpenAccessReviewEndpoint.OpenAsync(request, session, bus, services.GetRequiredService<CatalogueFolder>(), services.GetRequiredService<DatasetAccess>(),
                    services.GetRequiredService<AccessReviews>(), context.User.Caller(), clock, ct)));
            return opened.Refused is { } refused ? RefusalPage(context, refused) : SeeOther($"/access/reviews/{opened.Value!.ReviewId}");
        }).Through(OpenAccessReviewEndpoint.Open);

        console.MapPost("/access/reviews/{id:guid}/answer", async (Guid id, HttpContext context, TimeProvider clock, CancellationToken ct) =>
        {
            var form = await context.Request.ReadFormAsync(ct);
            var request = new AnswerAccessReview(ConsoleEndpoints.Blank(form["grantee"]), ConsoleEndpoints.Blank(form["decision"]), ConsoleEndpoints.Blank(form["reason"]));
            var notifications = context.RequestServices.GetRequiredService<Notifications.NotificationOptions>();
            var answered = await Operations.InTransactionAsync(context, (session, bus) => Operations.Validated(AnswerAccessReviewEndpoint.Validate(request), () =>
                AnswerAccessReviewEndpoint.AnswerAsync(id, request, session, bus, context.User, clock, notifications, ct)));
            if (answered.Refused is not { } refused) return SeeOther($"/access/reviews/{id}");
            await using var session = context.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
            return await ReviewPageAsync(id, context, session, refused, ct);
        }).Through(AnswerAccessReviewEndpoint.Answer);

        console.MapPost("/access", async (HttpContext context, CatalogueFolder folder, TimeProvider clock, CancellationToken ct) =>
        {
            var form = await context.Request.ReadFormAsync(ct);
            string? Field(string name) => ConsoleEndpoints.Blank(form[name]);
            var request = new RequestAccess(Field("dataset"), Field("grantee"), Field("purpose"), Field("duration"), Field("reason"), Field("ticket"),
                form["breakGlass"] == "true" ? true : null);
            var services = context.RequestServices;
            var requested = await Operations.InTransactionAsync(context, (session, bus) => Operations.Validated(RequestAccessEndpoint.Validate(request), () =>
                RequestAccessEndpoint.RequestAsync(request, session, bus, folder, services.GetRequiredService<DatasetAccess>(),
                    services.GetRequiredService<NamedConnections>(), services.GetRequiredService<PlaybookCatalog>(),
                    services.GetRequiredService<PinnedPlaybooks>(), services.GetRequiredService<AccessOptions>(), context.User, clock, ct)));
            if (requested.Refused is not { } refused) return SeeOther($"/access/{requested.Value!.RequestId}");
            await using var session = services.GetRequiredService<IDocumentStore>().QuerySession();
            var typed = form.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).ToDictionary(k => k, k => form[k].ToString());
            return await AccessPageAsync(context, session, folder, typed, refused, ct);
        }).Through(RequestAccessEndpoint.Post);

        console.MapGet("/access/{id:guid}", (Guid id, HttpContext context, IQuerySession session, CancellationToken ct) =>
                RequestPageAsync(id, context, session, null, ct))
            .Through(GetAccessRequestsEndpoint.Get, GetAccessRequestsEndpoint.History);

        console.MapPost("/access/{id:guid}/extend", async (Guid id, HttpContext context, CatalogueFolder folder, TimeProvider clock, CancellationToken ct) =>
        {
            var form = await context.Request.ReadFormAsync(ct);
            var request = new ExtendAccess(ConsoleEndpoints.Blank(form["duration"]), ConsoleEndpoints.Blank(form["extendReason"]));
            var services = context.RequestServices;
            var extended = await Operations.InTransactionAsync(context, (session, bus) => Operations.Validated(ExtendAccessEndpoint.Validate(request), () =>
                ExtendAccessEndpoint.ExtendAsync(id, request, session, bus, folder, services.GetRequiredService<DatasetAccess>(),
                    services.GetRequiredService<NamedConnections>(), services.GetRequiredService<PlaybookCatalog>(),
                    services.GetRequiredService<PinnedPlaybooks>(), services.GetRequiredService<AccessOptions>(), context.User, clock, ct)));
            if (extended.Refused is not { } refused) return SeeOther($"/access/{extended.Value!.RequestId}");
            await using var session = services.GetRequiredService<IDocumentStore>().QuerySession();
            return await RequestPageAsync(id, context, session, refused, ct);
        }).Through(ExtendAccessEndpoint.Post);

        console.MapPost("/access/{id:guid}/revoke", async (Guid id, HttpContext context, TimeProvider clock, CancellationToken ct) =>
        {
            var form = await context.Request.ReadFormAsync(ct);
            var request = new EndAccess(ConsoleEndpoints.Blank(form["reason"]));
            var ended = await Operations.InTransactionAsync(context, (session, bus) => Operations.Validated(RevokeAccessEndpoint.Validate(request), () =>
                RevokeAccessEndpoint.RevokeAsync(id, request.Reason!, session, bus, context.User.Caller(), clock, ct)));
            if (ended.Refused is not { } refused) return SeeOther($"/access/{id}");
            await using var session = context.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
            return await RequestPageAsync(id, context, session, refused, ct);
        }).Through(RevokeAccessEndpoint.Post);
    }

    private static async Task<IResult> AccessPageAsync(HttpContext context, IQuerySession session, CatalogueFolder folder,
        IReadOnlyDictionary<string, string> typed, Refusal? refused, CancellationToken ct)
    {
        var caller = context.User.Caller();
        var listed = await GetAccessRequestsEndpoint.ListAsync(new AccessRequestQuery(Limit: 100), caller, session, ct);
        var reviews = await AccessReviewEndpoints.ListAsync(new AccessReviewQuery(Limit: 20), caller, session,
            context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        return Page<AccessPage>(new
        {
            Signed = caller, Requests = listed.Value?.Items ?? [], More = listed.Value?.Next is not null, Reviews = reviews.Value?.Items ?? [],
            Datasets = folder.Catalogue.Datasets.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList(), Typed = typed, Problem = ProblemOf(refused ?? listed.Refused),
        }, refused?.Status() ?? StatusCodes.Status200OK);
    }

    private static async Task<IResult> ReviewPageAsync(Guid id, HttpContext context, IQuerySession session, Refusal? refused, CancellationToken ct)
    {
        var caller = context.User.Caller();
        var found = await AccessReviewEndpoints.FindAsync(id, session, context.RequestServices.GetRequiredService<IncidentReads>(), caller,
            NeedToKnowGate.EndpointName(context), context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        if (found.Refused is { } notFound) return RefusalPage(context, notFound);
        // Forms only where the caller has the task to answer (its assignee, or whom it escalated to).
        var answerable = (await session.Query<Tasks.TaskItem>().Where(t => t.IncidentId == id).ToListAsync(ct))
            .Where(t => Tasks.TaskStatuses.IsActionable(t.Status) && Tasks.TaskEndpoints.IsFor(t, caller))
            .Select(t => AccessReviews.GranteeOf(t.StepId)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return Page<AccessReviewPage>(new { Signed = caller, Review = found.Value, Problem = ProblemOf(refused), Answerable = answerable },
            refused?.Status() ?? StatusCodes.Status200OK);
    }

    private static async Task<IResult> RequestPageAsync(Guid id, HttpContext context, IQuerySession session, Refusal? refused, CancellationToken ct)
    {
        var caller = context.User.Caller();
        var found = await GetAccessRequestsEndpoint.FindAsync(id, session, context.RequestServices.GetRequiredService<PinnedPlaybooks>(),
            context.RequestServices.GetRequiredService<IncidentReads>(), caller, NeedToKnowGate.EndpointName(context), ct);
        if (found.Refused is { } notFound) return RefusalPage(context, notFound);
        // The approvals of this request that wait for the caller's decision, through the approvals list as the API answers it.
        var mine = await ApprovalEndpoints.FindAsync(new ApprovalQuery(Mine: true, Incident: id, Status: ApprovalItem.Open), caller, session,
            context.RequestServices.GetRequiredService<NeedToKnowGate>(), NeedToKnowGate.EndpointName(context), ct);
        var history = await GetAccessRequestsEndpoint.HistoryOfAsync(id, session,
            context.RequestServices.GetRequiredService<Security.TamperEvidence.ChainVerifier>(), ct);
        return Page<AccessRequestPage>(new
        {
            Signed = caller, Request = found.Value, Awaiting = mine.Value?.Items ?? [], Problem = ProblemOf(refused), History = history,
        }, refused?.Status() ?? StatusCodes.Status200OK);
    }
}
