using Wolverine;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Playbooks.Catalogue;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Tasks;
using Marten;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>A review's deadline: what is still unanswered is revoked (restricted datasets) or left standing and reported; a revoke the
/// database refused is tried again, <paramref name="Attempt"/> counting.</summary>
public sealed record AccessReviewDeadline(Guid ReviewId, int Attempt = 1);

/// <summary>Why a review was opened.</summary>
public static class ReviewTriggers
{
    public const string Schedule = "schedule", Incident = "incident", Catalogue = "catalogue-replay", Asked = "asked";
}

/// <summary>
/// Opens a review of a dataset's access, for every door (its catalogue interval, the <c>access.review</c> action, a tightened catalogue's
/// replay, someone who answers for the dataset): it reads who holds what on the dataset's table now and asks the owner, one task per
/// grant, to keep or revoke each. Grants the review covers: the catalogue's standing roles that hold a privilege, and requested or
/// break-glass grants that outlive the review's due date (one that ends sooner ends by itself). Grants with neither are drift, which the
/// scanner reports as incidents.
/// </summary>
public sealed class AccessReviews(NamedConnections connections, AccessOptions options, Rotations rotations)
{
    /// <summary>The review's first event and the messages that give it its tasks and its deadline; throws when the database does not answer.</summary>
    public async Task<(AccessReviewOpened Opened, IReadOnlyList<(object Message, TimeSpan Delay)> Messages)> PrepareAsync(Dataset d, Guid id, string trigger,
        Guid? incident, string by, TimeSpan? within, IReadOnlyCollection<string>? only, IQuerySession session, DateTimeOffset now, CancellationToken ct,
        DateTimeOffset? scheduledFor = null)
    {
        var answerWithin = within ?? options.ReviewWithin;
        var dueBy = now + answerWithin;
        IReadOnlyList<TableGrant> grants;
        await using (var db = await connections.Get(d.Connection).OpenConnectionAsync(ct))
            grants = await Catalog.GrantsAsync(db, await Catalog.TableAsync(db, d.Object, ct), ct);
        var live = await LiveGrants.ListAsync(session, now, ct, d.Connection);
        var items = new List<AccessReviewItem>();
        foreach (var grant in grants.Where(g => only is null || only.Contains(g.Grantee)))
        {
            if (d.Standing.Contains(grant.Grantee, StringComparer.Ordinal))
                items.Add(new AccessReviewItem(grant.Grantee, Catalogue.WhoCouldRead.Standing, grant.Privileges, null, null));
            else if (live.Covering(d.Connection, d.Object, grant.Grantee, grant.Privileges) is { } request
                     && (only is not null || (request.EndsAt ?? DateTimeOffset.MaxValue) > dueBy))
                items.Add(new AccessReviewItem(grant.Grantee, request.BreakGlass ? Catalogue.WhoCouldRead.BreakGlass : Catalogue.WhoCouldRead.Requested,
                    grant.Privileges, request.Id, request.EndsAt));
        }
        var opened = new AccessReviewOpened(id, d.Name, d.Hash, d.Classification, d.Connection, d.Object, trigger, incident, d.Owner, d.Stewards,
            Answerer(d.Owner, now), Answerer(d.Stewards.FirstOrDefault() ?? Privacy, now), items, dueBy, dueBy + answerWithin, by, now, scheduledFor);
        var review = AccessReview.Begin(opened)!;
        var messages = review.Items.Select(item => ((object)TaskFor(review, item, answerWithin), TimeSpan.Zero)).ToList();
        if (items.Count > 0) messages.Add((new AccessReviewDeadline(id), opened.DeadlineAt - now));
        return (opened, messages);
    }

    private static readonly string Privacy = $"role:{Contracts.Roles.Privacy}";

    /// <summary>Who answers for <paramref name="principal"/> now: the person on call for an on-call rotation, or privacy when nobody is (never every
    /// responder: a review names grants only those who answer for the dataset see).</summary>
    private string Answerer(string principal, DateTimeOffset now) =>
        rotations.Resolve(principal, now) is var resolved && principal.StartsWith("oncall:", StringComparison.Ordinal) && !resolved.StartsWith("user:", StringComparison.Ordinal)
            ? Privacy
            : resolved;

    /// <summary>The owner's task for one grant: keep (with a reason) or revoke; escalated to the dataset's first steward when not done in time.</summary>
    internal static OpenTask TaskFor(AccessReview review, ReviewedGrant item, TimeSpan dueWithin) => new(review.Id,
        TaskItem.NoRun, StepOf(item.Grantee), $"Review {item.Grantee}'s access to {review.Dataset}: keep or revoke",
        $"{item.Grantee} holds {string.Join(", ", item.Privileges)} on {review.Table}"
        + (item.RequestId is { } request ? $" through access request {request}{(item.EndsAt is { } ends ? $" until {ends:u}" : "")}" : " as the catalogue's standing access")
        + ". Keep it (say why) or revoke it (done on the database and read back)."
        + (review.RevokesUnanswered ? $" The dataset is restricted: unanswered at {review.DeadlineAt:u}, it is revoked." : ""),
        review.AssignedTo, review.EscalateTo, ["decision", "reason"], AckWithin: null, DueWithin: dueWithin, Decisions: AccessReviewDecisions.All,
        Subject: Subjects.AccessReview);

    /// <summary>The task step that stands for a grant: one per grantee in a review.</summary>
    public static string StepOf(string grantee) => $"review:{grantee}";

    public static string? GranteeOf(string step) => step.StartsWith("review:", StringComparison.Ordinal) ? step["review:".Length..] : null;

    /// <summary>Sends a review's messages: now, or after their delay.</summary>
    public static async Task SendAsync(IMessageBus bus, IEnumerable<(object Message, TimeSpan Delay)> messages)
    {
        foreach (var (message, delay) in messages)
            if (delay > TimeSpan.Zero) await bus.ScheduleAsync(message, delay);
            else await bus.PublishAsync(message);
    }

    /// <summary>Begins the review's stream; with a stable id, a second node opening the same review fails to save instead of opening it twice.</summary>
    public static void Begin(IDocumentSession session, AccessReviewOpened opened) => session.Events.StartStream<AccessReview>(opened.ReviewId, opened);
}
