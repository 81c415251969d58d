using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Tasks;
using JasperFx.Events;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>Carry out the revoke of a grant the review rejected; <paramref name="Attempt"/> counts the tries.</summary>
public sealed record RevokeReviewedGrant(Guid ReviewId, string Grantee, int Attempt = 1);

/// <summary>
/// A review's answers, taken where every task is completed (<c>POST /api/tasks/{id}/complete</c> and the review's own door): checked (keeping
/// needs a reason), and recorded on the review's stream in the same transaction that completes the task, under that stream's lock, so an
/// answer that was acknowledged is never lost to a deadline. A rejected grant is revoked next, by a message that goes with it.
/// </summary>
public static class AccessReviewAnswers
{
    public static void Check(IReadOnlyDictionary<string, JsonElement> outputs, Problems.Validation validation)
    {
        if (WhyNot(Text(outputs, "decision"), Text(outputs, "reason")) is { } why) validation.Add("outputs.reason", why);
    }

    /// <summary>Why an answer cannot be taken: a grant is kept only with a reason.</summary>
    public static string? WhyNot(string? decision, string? reason) =>
        decision == AccessReviewDecisions.Keep && string.IsNullOrWhiteSpace(reason) ? "Why the access is kept is required." : null;

    /// <summary>Records the answer a review task was completed with on <paramref name="stream"/> (the review's, locked); a refusal when the grant was
    /// answered or settled already (by its deadline).</summary>
    public static async Task<Refusal?> RecordAsync(IDocumentSession session, IEventStream<Incident> stream, TaskItem task,
        IReadOnlyDictionary<string, JsonElement> outputs, string by, DateTimeOffset now, IMessageBus bus, CancellationToken ct)
    {
        var grantee = AccessReviews.GranteeOf(task.StepId)!;
        if (await session.LoadAsync<AccessReview>(task.IncidentId, ct) is not { } review || review.Item(grantee) is not { } item)
            return Refusal.NotFound("Access review", task.IncidentId);
        // Read again under the lock: the deadline may have closed it since it was read.
        if (await session.LoadAsync<TaskItem>(task.Id, ct) is not { } current || !TaskStatuses.IsActionable(current.Status))
            return Refusal.Conflict("The task cannot be completed", $"Task {task.Id} was closed meanwhile: {grantee}'s access was settled.");
        if (item.Decision is { } decided)
            return Refusal.Conflict("Answered already", $"{grantee}'s access was answered ({decided}) by {item.By} at {item.At:u}.");
        var reason = Text(outputs, "reason") ?? "";
        object answer = Text(outputs, "decision") == AccessReviewDecisions.Keep
            ? new AccessReviewKept(review.Id, grantee, reason, by, now)
            : new AccessReviewRejected(review.Id, grantee, reason, by, now);
        stream.AppendOne(answer);
        review.When(answer);
        ReviewRevoke.CompleteIfSettled(stream.AppendOne, review, now);
        if (answer is AccessReviewRejected) await bus.PublishAsync(new RevokeReviewedGrant(review.Id, grantee));
        return null;
    }

    private static string? Text(IReadOnlyDictionary<string, JsonElement> outputs, string name) =>
        outputs.GetValueOrDefault(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}

public static class RevokeReviewedGrantHandler
{
    public static async Task<OutgoingMessages> Handle(RevokeReviewedGrant command, IDocumentSession session, NamedConnections connections, TimeProvider clock,
        ILogger<RevokeReviewedGrant> logger, CancellationToken ct)
    {
        var stream = await session.Events.FetchForExclusiveWriting<AccessReview>(command.ReviewId, ct);
        if (stream.Aggregate is not { } review || review.Item(command.Grantee) is not { Decision: AccessReviewDecisions.Revoke, Revoked: false } item)
            return []; // carried out already
        var now = clock.GetUtcNow();
        var outgoing = new OutgoingMessages();
        var result = await ReviewRevoke.RevokeAsync(review, item, item.By!, item.Reason ?? "", false, command.Attempt, session, connections, outgoing, now, logger, ct);
        stream.AppendOne(result);
        review.When(result);
        if (result is AccessReviewRevokeFailed) outgoing.Delay(command with { Attempt = command.Attempt + 1 }, TryAgain.After(command.Attempt));
        ReviewRevoke.CompleteIfSettled(stream.AppendOne, review, now);
        return outgoing;
    }
}

/// <summary>
/// A review's deadline: on a restricted dataset, every grant still unanswered is revoked (read back) and its tasks closed; elsewhere they
/// stand and the review says they were left unanswered (its tasks, escalated at the due date, stay open). Under the review's lock, so an
/// answer being recorded either lands first (and is kept) or finds its task closed.
/// </summary>
public static class AccessReviewDeadlineHandler
{
    public static async Task<OutgoingMessages> Handle(AccessReviewDeadline deadline, IDocumentSession session, NamedConnections connections,
        Notifications.NotificationOptions notifications, TimeProvider clock, ILogger<AccessReviewDeadline> logger, CancellationToken ct)
    {
        var stream = await session.Events.FetchForExclusiveWriting<AccessReview>(deadline.ReviewId, ct);
        if (stream.Aggregate is not { Status: AccessReviewStatuses.Open } review) return [];
        var now = clock.GetUtcNow();
        var unanswered = review.Items.Where(i => i.Decision is null).ToList();
        var outgoing = new OutgoingMessages();
        if (unanswered.Count == 0) return outgoing;
        if (!review.RevokesUnanswered)
        {
            if (review.LeftUnanswered.Count == 0) stream.AppendOne(new AccessReviewOverdue(review.Id, unanswered.Select(i => i.Grantee).ToList(), now));
            return outgoing;
        }
        foreach (var item in unanswered)
        {
            var result = await ReviewRevoke.RevokeAsync(review, item, "system", $"unanswered by the review's deadline {review.DeadlineAt:u}", true,
                deadline.Attempt, session, connections, outgoing, now, logger, ct);
            stream.AppendOne(result);
            review.When(result);
        }
        var revoked = unanswered.Where(i => i.Revoked).Select(i => AccessReviews.StepOf(i.Grantee)).ToHashSet();
        foreach (var task in await session.Query<TaskItem>().Where(t => t.IncidentId == review.Id).ToListAsync(ct))
        {
            if (task.IsDone || !revoked.Contains(task.StepId)) continue;
            task.Status = TaskStatuses.Cancelled;
            session.Store(task);
            if (notifications.Pages) outgoing.Add(new Notifications.WorkChanged(task.IncidentId, task.Id, Notifications.WorkStatuses.Settled));
        }
        if (unanswered.Any(i => !i.Revoked)) outgoing.Delay(deadline with { Attempt = deadline.Attempt + 1 }, TryAgain.After(deadline.Attempt));
        ReviewRevoke.CompleteIfSettled(stream.AppendOne, review, now);
        return outgoing;
    }
}

/// <summary>How a review takes a grant away (<see cref="RequestedAccess.RevokeEveryGrantAsync"/>), read back; what the warehouse refuses is
/// recorded, not thrown, and tried again until it takes.</summary>
internal static class ReviewRevoke
{

    public static async Task<object> RevokeAsync(AccessReview review, ReviewedGrant item, string by, string reason, bool unanswered, int attempt,
        IDocumentSession session, NamedConnections connections, OutgoingMessages outgoing, DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
        var context = new ActionContext(review.Id, TaskItem.NoRun, AccessReviews.StepOf(item.Grantee), attempt, $"{review.Id}:{item.Grantee}:revoke",
            new Dictionary<string, object?>(), session, now, []);
        // The requests' locks are the event store's, taken outside: only what the warehouse says is recorded as its refusal.
        var holders = await RequestedAccess.HoldersAsync(session, review.Connection, review.Table, item.Grantee, ct);
        try
        {
            var ends = new OutgoingMessages();
            var stillReads = await RequestedAccess.RevokeEveryGrantAsync(connections, holders, review.Connection, review.Table, item.Grantee, context,
                by, $"access review {review.Id}: {reason}", ends, ct);
            outgoing.AddRange(ends);
            return new AccessReviewRevoked(review.Id, item.Grantee, stillReads, by, reason, unanswered, now, holders.Select(h => h.Request.Id).ToList());
        }
        catch (Exception e) when (e is ActionFailedException or System.Data.Common.DbException or TimeoutException)
        {
            logger.LogWarning(e, "Revoking {Grantee} on {Table} for access review {Review} failed (attempt {Attempt})", item.Grantee, review.Table, review.Id, attempt);
            return new AccessReviewRevokeFailed(review.Id, item.Grantee, by, e.Message, now, attempt);
        }
    }

    /// <summary>Once every grant is kept or revoked, the review is completed.</summary>
    public static void CompleteIfSettled(Action<object> append, AccessReview review, DateTimeOffset now)
    {
        if (review.Status != AccessReviewStatuses.Open || review.Items.Any(i => !i.Settled)) return;
        var completed = new AccessReviewCompleted(review.Id, review.Items.Count(i => i.Decision == AccessReviewDecisions.Keep),
            review.Items.Count(i => i.Revoked), now);
        append(completed);
        review.When(completed);
    }
}
