using System.Text.Json;
using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;
using IncidentOrchestrator.Web.Pages;
using Marten;
using Microsoft.AspNetCore.Mvc;
using static IncidentOrchestrator.Web.ConsoleResults;

namespace IncidentOrchestrator.Web;

/// <summary>
/// My work: the signed-in person's tasks and approvals across incidents, most urgent first, acknowledged, completed and
/// decided with the API's own endpoints (the same checks, the same messages), behind the same need-to-know gate.
/// </summary>
public static class ConsoleWork
{
    /// <summary>The most open tasks, and the most approvals, the page shows.</summary>
    private const int Shown = 200;

    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/work", (HttpContext context, IQuerySession session, CancellationToken ct) => WorkPageAsync(context, session, null, null, ct))
            .Through(TaskEndpoints.List, ApprovalEndpoints.List, FollowUps.FollowUpEndpoints.List);


        console.MapPost("/tasks/{taskId:guid}/ack", async (Guid taskId, HttpContext context, TimeProvider clock,
                Notifications.NotificationOptions notifications, CancellationToken ct) =>
            await AfterAsync(context, taskId, await Operations.InTransactionAsync(context, (session, bus) =>
                TaskEndpoints.AcknowledgeAsync(taskId, session, context.User, clock, bus, notifications, ct)), ct))
            .Through(TaskEndpoints.Ack);

        console.MapPost("/tasks/{taskId:guid}/complete", async (Guid taskId, HttpContext context, TimeProvider clock,
            Notifications.NotificationOptions notifications, CancellationToken ct) =>
        {
            var form = await context.Request.ReadFormAsync(ct);
            // An empty field is an output not given: the API then says which output is required.
            var outputs = form.Keys.Where(k => k.StartsWith("outputs.", StringComparison.Ordinal) && form[k].ToString().Trim().Length > 0)
                .ToDictionary(k => k["outputs.".Length..], k => JsonSerializer.SerializeToElement(form[k].ToString().Trim()));
            var request = new CompleteTask(outputs, ConsoleEndpoints.Blank(form["notes"]));
            return await AfterAsync(context, taskId, await Operations.InTransactionAsync(context, (session, bus) =>
                Operations.Validated(CompleteTaskEndpoint.Validate(request), () => CompleteTaskEndpoint.CompleteAsync(taskId, request, session, bus, context.User, clock, notifications, ct))), ct);
        }).Through(CompleteTaskEndpoint.Complete);

        console.MapPost("/approvals/{approvalId:guid}/decision", async (Guid approvalId, HttpContext context, TimeProvider clock,
            Notifications.NotificationOptions notifications, CancellationToken ct) =>
        {
            var form = await context.Request.ReadFormAsync(ct);
            var request = new Decide(ConsoleEndpoints.Blank(form["decision"]), ConsoleEndpoints.Blank(form["comment"]));
            return await AfterAsync(context, approvalId, await Operations.InTransactionAsync(context, (session, bus) =>
                Operations.Validated(DecideApprovalEndpoint.Validate(request), () => DecideApprovalEndpoint.DecideAsync(approvalId, request, session, bus, context.User, clock, notifications, ct))), ct);
        }).Through(DecideApprovalEndpoint.Post);
    }

    /// <summary>Where a decided form goes back to: the access request's page it was made on, else My work (never another site).</summary>
    private static string BackTo(HttpContext context) =>
        context.Request.HasFormContentType && context.Request.Form["back"].ToString() is var back
        && System.Text.RegularExpressions.Regex.IsMatch(back, "^/access/[0-9a-f-]{36}$") ? back : "/work";

    private static async Task<IResult> AfterAsync(HttpContext context, Guid item, Outcome outcome, CancellationToken ct)
    {
        if (outcome.Refused is not { } refused) return SeeOther(BackTo(context));
        await using var session = context.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
        // What the person typed comes back with the refusal, so only the wrong field needs fixing.
        var typed = context.Request.HasFormContentType
            ? context.Request.Form.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).ToDictionary(k => k, k => context.Request.Form[k].ToString())
            : [];
        return await WorkPageAsync(context, session, ProblemOf(refused), item, ct, refused.Status(), typed);
    }

    public static async Task<IResult> WorkPageAsync(HttpContext context, IQuerySession session, ProblemDetails? problem, Guid? problemFor,
        CancellationToken ct, int status = StatusCodes.Status200OK, IReadOnlyDictionary<string, string>? typed = null)
    {
        var caller = context.User.Caller();
        var needToKnow = context.RequestServices.GetRequiredService<NeedToKnowGate>();
        var readBy = NeedToKnowGate.EndpointName(context);
        var recorded = new HashSet<Guid>(); // an incident with a task and an approval here is one read
        var tasks = await TaskEndpoints.FindAsync(new TaskQuery(Mine: true, Status: string.Join(',', TaskStatuses.Actionable), Limit: Shown), caller,
            session, needToKnow, readBy, ct, recorded);
        var approvals = await ApprovalEndpoints.FindAsync(new ApprovalQuery(Mine: true, Status: ApprovalItem.Open, Limit: Shown), caller, session,
            needToKnow, readBy, ct, recorded);
        var followUps = await FollowUps.FollowUpEndpoints.ListAsync(new FollowUps.FollowUpQuery(Owner: "me",
                Status: string.Join(',', FollowUpStatuses.Pending), Limit: Shown), caller, session, needToKnow, readBy,
            context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), ct, recorded);
        var shownTasks = tasks.Value?.Items ?? [];
        var shownApprovals = approvals.Value?.Items ?? [];
        problem ??= ProblemOf(tasks.Refused ?? approvals.Refused ?? followUps.Refused);

        // Most urgent first: what is due soonest (an acknowledgement or a completion), then what has waited longest.
        var ordered = shownTasks.OrderBy(t => (t.AcknowledgedAt is null ? t.AckBy : null) ?? t.DueBy ?? DateTimeOffset.MaxValue).ToList();
        var orderedApprovals = shownApprovals.OrderBy(a => a.DueBy ?? DateTimeOffset.MaxValue).ToList();
        var shownFollowUps = followUps.Value?.Items ?? [];
        var shown = shownTasks.Select(t => t.IncidentId).Concat(shownApprovals.Select(a => a.IncidentId)).Concat(shownFollowUps.Select(f => f.IncidentId))
            .Distinct().ToList();
        var subjects = await RunSubject.LoadManyAsync(session, shown, ct);
        return Page<MyWorkPage>(new
        {
            Signed = caller, Tasks = ordered, Approvals = orderedApprovals, FollowUps = shownFollowUps, Problem = problem, ProblemFor = problemFor,
            Typed = typed ?? new Dictionary<string, string>(), Subjects = subjects,
            // The oldest come first from the lists; with more than the page shows, it says so.
            More = tasks.Value?.Next is not null || approvals.Value?.Next is not null || followUps.Value?.Next is not null, Shown,
        }, status);
    }
}
