using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Catalogue;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Tasks;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>The task for a grant under review was completed: keep it, or revoke it.</summary>
public sealed record AccessReviewAnswered(Guid ReviewId, string Grantee, string Decision, string Reason, string By);

/// <summary>What a review's task must say, checked where every task is completed: keeping a grant needs its reason.</summary>
public static class AccessReviewAnswers
{
    public static void Check(IReadOnlyDictionary<string, System.Text.Json.JsonElement> outputs, Hosting.Problems.Validation validation)
    {
        string? Text(string name) => outputs.GetValueOrDefault(name) is { ValueKind: System.Text.Json.JsonValueKind.String } v ? v.GetString() : null;
        if (WhyNot(Text("decision"), Text("reason")) is { } why) validation.Add("outputs.reason", why);
    }

    /// <summary>Why an answer cannot be taken: a grant is kept only with a reason.</summary>
    public static string? WhyNot(string? decision, string? reason) =>
        decision == AccessReviewDecisions.Keep && string.IsNullOrWhiteSpace(reason) ? "Why the access is kept is required." : null;
}

public static class AccessReviewAnsweredHandler
{
    public static async Task<OutgoingMessages> Handle(AccessReviewAnswered answer, IDocumentSession session, NamedConnections connections, TimeProvider clock,
        ILogger<AccessReviewAnswered> logger, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<AccessReview>(answer.ReviewId, ct);
        if (stream.Aggregate is not { } review || review.Item(answer.Grantee) is not { Decision: null } item) return []; // answered already
        var now = clock.GetUtcNow();
        var outgoing = new OutgoingMessages();
        object result = answer.Decision == AccessReviewDecisions.Keep
            ? new AccessReviewKept(review.Id, item.Grantee, answer.Reason, answer.By, now)
            : await ReviewRevoke.RevokeAsync(review, item, answer.By, answer.Reason, false, session, connections, outgoing, now, logger, ct);
        stream.AppendOne(result);
        review.When(result);
        // The grant stands: the owner is asked again, with what the database said.
        if (result is AccessReviewRevokeFailed failed) outgoing.Add(AccessReviews.TaskFor(review, item, null, failed.Error));
        ReviewRevoke.CompleteIfAnswered(stream, review, now);
        return outgoing;
    }
}

/// <summary>
/// A review's deadline: on a restricted dataset, every grant still unanswered is revoked (read back) and its task closed; elsewhere they
/// stand and the review says they were left unanswered (its tasks, escalated at the due date, stay open).
/// </summary>
public static class AccessReviewDeadlineHandler
{
    /// <summary>How soon a deadline whose revoke the database refused is tried again.</summary>
    private static readonly TimeSpan Again = TimeSpan.FromMinutes(15);

    public static async Task<OutgoingMessages> Handle(AccessReviewDeadline deadline, IDocumentSession session, NamedConnections connections,
        Notifications.NotificationOptions notifications, TimeProvider clock, ILogger<AccessReviewDeadline> logger, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<AccessReview>(deadline.ReviewId, ct);
        if (stream.Aggregate is not { Status: AccessReviewStatuses.Open } review) return [];
        var now = clock.GetUtcNow();
        var unanswered = review.Items.Where(i => i.Decision is null).ToList();
        var outgoing = new OutgoingMessages();
        if (unanswered.Count == 0) return outgoing;
        if (review.Classification != Classifications.Restricted)
        {
            if (review.LeftUnanswered.Count == 0) stream.AppendOne(new AccessReviewOverdue(review.Id, unanswered.Select(i => i.Grantee).ToList(), now));
            return outgoing;
        }
        foreach (var item in unanswered)
        {
            var result = await ReviewRevoke.RevokeAsync(review, item, "system", $"unanswered by the review's deadline {review.DeadlineAt:u}", true, session,
                connections, outgoing, now, logger, ct);
            stream.AppendOne(result);
            review.When(result);
        }
        var revoked = unanswered.Where(i => i.Decision is not null).Select(i => AccessReviews.StepOf(i.Grantee)).ToHashSet();
        foreach (var task in await session.Query<TaskItem>().Where(t => t.IncidentId == review.Id).ToListAsync(ct))
        {
            if (task.IsDone || !revoked.Contains(task.StepId)) continue;
            task.Status = TaskStatuses.Cancelled;
            session.Store(task);
            if (notifications.Pages) outgoing.Add(new Notifications.WorkChanged(task.IncidentId, task.Id, Notifications.WorkStatuses.Settled));
        }
        if (unanswered.Any(i => i.Decision is null)) outgoing.Delay(deadline, Again);
        ReviewRevoke.CompleteIfAnswered(stream, review, now);
        return outgoing;
    }
}

/// <summary>How a review takes a grant back: a request's through its request (its stream records it, its run is cancelled), a standing role's
/// on the table; read back either way. What the database refuses is recorded, not thrown.</summary>
internal static class ReviewRevoke
{
    public static async Task<object> RevokeAsync(AccessReview review, ReviewedGrant item, string by, string reason, bool unanswered, IDocumentSession session,
        NamedConnections connections, OutgoingMessages outgoing, DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
        var context = new ActionContext(review.Id, TaskItem.NoRun, AccessReviews.StepOf(item.Grantee), 1, $"{review.Id}:{item.Grantee}:revoke",
            new Dictionary<string, object?> { ["connection"] = review.Connection, ["table"] = review.Table, ["grantee"] = item.Grantee }, session, now, []);
        var why = $"access review {review.Id}: {reason}";
        try
        {
            if (item.RequestId is { } requestId)
            {
                var requestStream = await IncidentStreams.ForPersonAsync(session, requestId, ct);
                if (await session.LoadAsync<AccessRequest>(requestId, ct) is { HoldsAGrant: true } request)
                {
                    var (_, ended) = await RequestedAccess.RevokeAsync(connections, request, context, by, why, ct);
                    requestStream.AppendOne(ended);
                    outgoing.Add(new CancelRun(request.RunId, $"revoked by {by} in {why}", by));
                    return new AccessReviewRevoked(review.Id, item.Grantee, ended is not AccessRevoked { CouldStillRead: false }, by, reason, unanswered, now);
                }
            }
            await new Actions.Postgres.Revoke(connections).ExecuteAsync(context, ct);
            await using var db = await connections.Get(review.Connection).OpenConnectionAsync(ct);
            var stillReads = await Catalog.CanReadAsync(db, await Catalog.TableAsync(db, review.Table, ct), item.Grantee, ct);
            return new AccessReviewRevoked(review.Id, item.Grantee, stillReads, by, reason, unanswered, now);
        }
        catch (Exception e) when (e is ActionFailedException or System.Data.Common.DbException or TimeoutException)
        {
            logger.LogWarning(e, "Revoking {Grantee} on {Table} for access review {Review} failed", item.Grantee, review.Table, review.Id);
            return new AccessReviewRevokeFailed(review.Id, item.Grantee, by, e.Message, now);
        }
    }

    public static void CompleteIfAnswered(JasperFx.Events.IEventStream<AccessReview> stream, AccessReview review, DateTimeOffset now)
    {
        if (review.Status != AccessReviewStatuses.Open || review.Items.Any(i => i.Decision is null)) return;
        var completed = new AccessReviewCompleted(review.Id, review.Items.Count(i => i.Decision == AccessReviewDecisions.Keep),
            review.Items.Count(i => i.Decision == AccessReviewDecisions.Revoke), now);
        stream.AppendOne(completed);
        review.When(completed);
    }
}
