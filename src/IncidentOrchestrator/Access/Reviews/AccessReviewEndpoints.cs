using System.Security.Claims;
using System.Text.Json;
using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;
using Marten;
using Marten.Linq.MatchesSql;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>What a list of access reviews is asked for: the filters of <c>GET /api/access-reviews</c>, as given.</summary>
public sealed record AccessReviewQuery(string? Dataset = null, string? Status = null, bool? Overdue = null, int? Limit = null, string? Cursor = null);

/// <summary>
/// Access reviews, for those who answer for their dataset (its owner and stewards), privacy and administrators; to anyone else a review
/// does not exist (the same 404 as an unknown id). Opening one by hand is for the same people; answering is its tasks' (the owner's, or
/// whom they escalated to).
/// </summary>
public static class OpenAccessReviewEndpoint
{
    public static ProblemDetails Validate(OpenAccessReview? request) => request is null
        ? Problems.MissingBody()
        : new Problems.Validation().Require(!string.IsNullOrWhiteSpace(request.Dataset), "dataset", "The catalogued dataset to review is required.").ToProblem();

    /// <summary><c>POST /api/access-reviews</c> <c>{dataset, within?}</c>: reviews a dataset's access now.</summary>
    [WolverinePost("/api/access-reviews"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Open(OpenAccessReview request, IDocumentSession session, IMessageBus bus, CatalogueFolder folder, DatasetAccess access,
        AccessReviews reviews, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        (await OpenAsync(request, session, bus, folder, access, reviews, user.Caller(), clock, ct))
        .ToHttp(accepted => TypedResults.Accepted($"/api/access-reviews/{accepted.ReviewId}", accepted));

    public static async Task<Outcome<AccessReviewAccepted>> OpenAsync(OpenAccessReview request, IDocumentSession session, IMessageBus bus,
        CatalogueFolder folder, DatasetAccess access, AccessReviews reviews, Caller caller, TimeProvider clock, CancellationToken ct,
        string trigger = ReviewTriggers.Asked, IReadOnlyCollection<string>? only = null)
    {
        TimeSpan? within = null;
        if (!string.IsNullOrWhiteSpace(request.Within))
        {
            if (!Durations.TryParse(request.Within, out var given) || given < TimeSpan.FromSeconds(1))
                return Refusal.Invalid(new Problems.Validation().Add("within", $"'{request.Within}' is not a duration (like 3d or 12h).")
                    .ToProblem("The access review is not valid"));
            within = given;
        }
        if (folder.Catalogue.Find(request.Dataset ?? "") is not { } d) return DatasetEndpoints.NoSuchDataset(request.Dataset ?? "");
        if (!DatasetGrantsRead.MaySee(caller, d))
            return Refusal.Forbidden("Not for you to open", $"{d.Name}'s access is reviewed by its owner and stewards, privacy and administrators.");
        if (access.WhyNotChecked(d) is { } why) return Refusal.Conflict("The dataset's access cannot be reviewed here", $"{d.Name}: {why}.");
        try
        {
            var (opened, messages) = await reviews.PrepareAsync(d, Guid.CreateVersion7(), trigger, null, caller.Subject, within, only, session,
                clock.GetUtcNow(), ct);
            AccessReviews.Begin(session, opened);
            await AccessReviews.SendAsync(bus, messages);
            return new AccessReviewAccepted(opened.ReviewId, opened.Items.Count);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or Actions.ActionFailedException)
        {
            return Refusal.Unavailable("The dataset's database did not answer",
                $"Who holds access to {d.Name} could not be read from {d.Connection}, so no review was opened; try again later.");
        }
    }

}

public static class AccessReviewEndpoints
{
    /// <summary><c>GET /api/access-reviews/{id}</c>: the review and each grant's answer. Every read is recorded, as an access request's is.</summary>
    [WolverineGet("/api/access-reviews/{id}"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, IncidentReads reads, TimeProvider clock, HttpContext context, CancellationToken ct) =>
        (await FindAsync(id, session, reads, context.User.Caller(), NeedToKnowGate.EndpointName(context), clock.GetUtcNow(), ct)).ToHttp(TypedResults.Ok);

    public static async Task<Outcome<AccessReviewView>> FindAsync(Guid id, IQuerySession session, IncidentReads reads, Caller caller, string door,
        DateTimeOffset now, CancellationToken ct)
    {
        var found = await session.LoadAsync<AccessReview>(id, ct);
        if (found is null) return Refusal.NotFound("Access review", id);
        var allowed = found.MaySee(caller);
        if (!await reads.RecordOneAsync(id, allowed, caller, door, ct)) return Refusal.ReadNotRecorded;
        return allowed ? AccessReviewViews.View(found, now) : Refusal.NotFound("Access review", id);
    }

    /// <summary>
    /// <c>GET /api/access-reviews</c>: the reviews the caller may see, newest first, <c>limit</c> at a time (default 50, at most 500), the next
    /// page in the <c>Link</c> header. Filters: <c>dataset</c>, <c>status</c> (<c>open</c>, <c>completed</c>), <c>overdue</c>.
    /// </summary>
    [WolverineGet("/api/access-reviews"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> List(string? dataset, string? status, bool? overdue, int? limit, string? cursor, IQuerySession session,
        TimeProvider clock, HttpContext context, CancellationToken ct) =>
        (await ListAsync(new AccessReviewQuery(dataset, status, overdue, limit, cursor), context.User.Caller(), session, clock.GetUtcNow(), ct))
        .ToHttp(listed => Paging.Ok(context, listed));

    public static async Task<Outcome<Listed<AccessReviewView>>> ListAsync(AccessReviewQuery filter, Caller caller, IQuerySession session,
        DateTimeOffset now, CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var statuses = EnumFilter.Parse(filter.Status, AccessReviewStatuses.All, "status", validation);
        var pageSize = Paging.Limit(filter.Limit, validation);
        var after = Paging.ParseCursor(filter.Cursor, validation);
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The access review list query is not valid"));

        var (page, next) = await Paging.ScanAsync<AccessReview, Cursor>(async (position, count) =>
            {
                var query = session.Query<AccessReview>().AsQueryable();
                if (!string.IsNullOrWhiteSpace(filter.Dataset)) query = query.Where(r => r.Dataset == filter.Dataset);
                if (filter.Overdue == true) query = query.Where(r => r.Status == AccessReviewStatuses.Open && r.DueBy < now);
                if (statuses.Length > 0) query = query.Where(r => r.Status.IsOneOf(statuses));
                if (position is { } c) query = query.Where(r => r.MatchesSql("(d.opened_at, d.id) < (?, ?)", c.At, c.Id));
                return await query.OrderByDescending(r => r.OpenedAt).ThenByDescending(r => r.Id).Take(count).ToListAsync(ct);
            },
            reviews => Task.FromResult<IReadOnlyList<AccessReview>>(reviews.Where(r => r.MaySee(caller)).ToList()),
            r => Cursor.Of(r.OpenedAt, r.Id), after, pageSize);
        return new Listed<AccessReviewView>(page.Select(r => AccessReviewViews.View(r, now)).ToList(), next?.Encode());
    }

}

public static class AnswerAccessReviewEndpoint
{
    public static ProblemDetails Validate(AnswerAccessReview? request)
    {
        if (request is null) return Problems.MissingBody();
        var reason = AccessReviewAnswers.WhyNot(request.Decision, request.Reason);
        return new Problems.Validation()
            .Require(!string.IsNullOrWhiteSpace(request.Grantee), "grantee", "The grantee whose access is answered for is required.")
            .Require(request.Decision is AccessReviewDecisions.Keep or AccessReviewDecisions.Revoke, "decision", "One of: keep, revoke.")
            .Require(reason is null, "reason", reason ?? "")
            .ToProblem();
    }

    /// <summary>
    /// <c>POST /api/access-reviews/{id}/answer</c> <c>{grantee, decision, reason}</c>: completes the grant's task, by the same rule as
    /// <c>POST /api/tasks/{id}/complete</c> (whose task it is, a reason to keep); the revoke follows, read back.
    /// </summary>
    [WolverinePost("/api/access-reviews/{id}/answer"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Answer(Guid id, AnswerAccessReview request, IDocumentSession session, IMessageBus bus, ClaimsPrincipal user,
        TimeProvider clock, Notifications.NotificationOptions notifications, CancellationToken ct) =>
        (await AnswerAsync(id, request, session, bus, user, clock, notifications, ct)).ToHttp(() => TypedResults.Accepted($"/api/access-reviews/{id}"));

    public static async Task<Outcome> AnswerAsync(Guid id, AnswerAccessReview request, IDocumentSession session, IMessageBus bus, ClaimsPrincipal user,
        TimeProvider clock, Notifications.NotificationOptions notifications, CancellationToken ct)
    {
        var caller = user.Caller();
        if (await session.LoadAsync<AccessReview>(id, ct) is not { } review || !review.MaySee(caller)) return Refusal.NotFound("Access review", id);
        if (review.Item(request.Grantee!) is not { } item)
            return Refusal.Invalid(new Problems.Validation().Add("grantee", $"{request.Grantee} is not under review in access review {id}.")
                .ToProblem("The answer is not valid"));
        if (item.Decision is not null)
            return Refusal.Conflict("Answered already", $"{item.Grantee}'s access was answered ({item.Decision}) by {item.By} at {item.At:u}.");
        var step = AccessReviews.StepOf(item.Grantee);
        var open = (await session.Query<TaskItem>().Where(t => t.IncidentId == id && t.StepId == step).ToListAsync(ct))
            .Where(t => TaskStatuses.IsActionable(t.Status)).ToList();
        if ((open.FirstOrDefault(t => t.IsFor(caller)) ?? open.FirstOrDefault()) is not { } task)
            return Refusal.Conflict("Not open yet", $"The task for {item.Grantee}'s access is being opened; answer again in a moment.");
        var outputs = new Dictionary<string, JsonElement>
        {
            ["decision"] = JsonSerializer.SerializeToElement(request.Decision), ["reason"] = JsonSerializer.SerializeToElement(request.Reason ?? ""),
        };
        return await CompleteTaskEndpoint.CompleteAsync(task.Id, new CompleteTask(outputs, null), session, bus, user, clock, notifications, ct);
    }

}

public static class AccessReviewViews
{
    public static AccessReviewView View(AccessReview r, DateTimeOffset now) => new(r.Id, r.Dataset, r.Classification, r.Table, r.Trigger, r.IncidentId,
        r.Owner, r.EscalateTo, r.OpenedBy, r.OpenedAt, r.DueBy, r.DeadlineAt, r.Status, r.IsOverdue(now), r.CompletedAt,
        r.Items.Select(i => new AccessReviewItemView(i.Grantee, i.Kind, i.Privileges, i.RequestId, i.EndsAt, i.Decision, i.Reason, i.By, i.At, i.Unanswered,
            i.CouldStillRead, i.RevokeFailure, i.Revoked, i.RequestsEnded)).ToList(), r.LeftUnanswered, r.AssignedTo, r.RevokesUnanswered);
}
