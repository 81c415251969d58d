using IncidentOrchestrator.FollowUps;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Incidents.Reviewing;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;
using Marten;
using static IncidentOrchestrator.Web.ConsoleEndpoints;
using static IncidentOrchestrator.Web.ConsoleResults;

namespace IncidentOrchestrator.Web;

/// <summary>
/// The incident page's review and follow-ups: written and moved through the API's own operations (the same checks, the same messages); a
/// refusal is shown beside the form it came from.
/// </summary>
public static class ConsoleFollowUps
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapPost("/incidents/{id:guid}/review", (Guid id, HttpContext context, IncidentCommands commands, TimeProvider clock) =>
                IncidentCommandAsync(context, id, (user, ct) =>
                {
                    // Only the fields this person changed since the page was loaded (was.*): a field someone else wrote meanwhile stays theirs.
                    string? Changed(string key) => Form(context, key) is var now && now?.ReplaceLineEndings("\n") != Form(context, $"was.{key}")?.ReplaceLineEndings("\n")
                        ? now
                        : null;
                    var edit = new EditIncidentReview(Changed("summary"),
                        new ReviewImpact(Changed("impact.people"), Changed("impact.data"), Changed("impact.duration")),
                        Changed("rootCause"), Changed("contributingFactors"), Changed("wentWell"), Changed("wentBadly"));
                    return Operations.Validated(EditReviewEndpoint.Validate(edit), () => EditReviewEndpoint.EditAsync(id, edit, commands, user.Caller(), clock.GetUtcNow(), ct));
                }, "review"))
            .Through(EditReviewEndpoint.Put);

        console.MapPost("/incidents/{id:guid}/review/decisions", (Guid id, HttpContext context, IncidentCommands commands, TimeProvider clock) =>
                IncidentCommandAsync(context, id, (user, ct) =>
                {
                    var decision = new RecordReviewDecision(Form(context, "decision"));
                    return Operations.Validated(RecordReviewDecisionEndpoint.Validate(decision),
                        () => RecordReviewDecisionEndpoint.RecordAsync(id, decision, commands, user.Caller(), clock.GetUtcNow(), ct));
                }, "review"))
            .Through(RecordReviewDecisionEndpoint.Post);

        console.MapPost("/incidents/{id:guid}/followups", (Guid id, HttpContext context, IncidentCommands commands, FollowUpOptions options, Rotations rotations,
                TimeProvider clock) =>
                IncidentCommandAsync(context, id, async (user, ct) =>
                {
                    var tags = Blank(Form(context, "tags")) is { } text ? FollowUpCreation.SplitTags(text) : null;
                    var request = new CreateFollowUp(Form(context, "title"), Blank(Form(context, "description")), Blank(Form(context, "owner")),
                        Blank(Form(context, "due")), Blank(Form(context, "priority")), tags);
                    return await Operations.Validated(CreateFollowUpEndpoint.Validate(request),
                        async () => (Outcome)await CreateFollowUpEndpoint.CreateAsync(id, request, commands, options, rotations, user.Caller(), clock.GetUtcNow(), ct));
                }, "followups"))
            .Through(CreateFollowUpEndpoint.Post);

        // Moved from the incident page, or from My work (back=work).
        console.MapPost("/followups/{followUpId:guid}/status", async (Guid followUpId, HttpContext context, IQuerySession session, IncidentCommands commands,
                FollowUpOptions options, TimeProvider clock, CancellationToken ct) =>
            {
                var followUp = await session.LoadAsync<FollowUp>(followUpId, ct);
                if (followUp is null) return Problems.NotFound("Follow-up", followUpId);
                var form = await context.Request.ReadFormAsync(ct);
                var change = new ChangeFollowUpStatus(Blank(form["status"]), Blank(form["reason"]));
                Task<Outcome> Move(CancellationToken token) => Operations.Validated(ChangeFollowUpStatusEndpoint.Validate(change),
                    () => ChangeFollowUpStatusEndpoint.ChangeAsync(followUpId, change, session, commands, options, context.User.Caller(), clock.GetUtcNow(), token));
                if (form["back"] == "work")
                    return (await Move(ct)).Refused is { } refused
                        ? await ConsoleWork.WorkPageAsync(context, session, ProblemOf(refused), followUpId, ct, refused.Status())
                        : SeeOther("/work");
                return await IncidentCommandAsync(context, followUp.IncidentId, (_, token) => Move(token), "followups");
            })
            .Through(ChangeFollowUpStatusEndpoint.Post);

        console.MapPost("/followups/{followUpId:guid}/export", async (Guid followUpId, HttpContext context, IQuerySession session, IncidentCommands commands,
                FollowUps.Trackers.Trackers trackers, TimeProvider clock, CancellationToken ct) =>
            {
                if (await session.LoadAsync<FollowUp>(followUpId, ct) is not { } followUp) return Problems.NotFound("Follow-up", followUpId);
                return await IncidentCommandAsync(context, followUp.IncidentId, async (user, token) =>
                {
                    var request = new ExportFollowUpTo(Form(context, "tracker"));
                    return await Operations.Validated(FollowUps.Trackers.ExportFollowUpEndpoint.Validate(request), async () =>
                        (Outcome)await FollowUps.Trackers.ExportFollowUpEndpoint.ExportAsync(followUpId, request, session, commands, trackers, user.Caller(),
                            clock.GetUtcNow(), token));
                }, "followups");
            })
            .Through(FollowUps.Trackers.ExportFollowUpEndpoint.Post);
    }
}
