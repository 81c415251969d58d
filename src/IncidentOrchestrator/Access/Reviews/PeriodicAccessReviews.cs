using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;
using Marten;
using Marten.Exceptions;
using Wolverine.Marten;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>A dataset whose periodic review is due at <paramref name="DueAt"/>, under the id every node gives that review.</summary>
public sealed record DueReview(string Dataset, DateTimeOffset DueAt, Guid ReviewId);

/// <summary>
/// Each dataset's access is reviewed every <c>review</c> interval its catalogue entry declares: counted from when its last whole review was due
/// (a periodic one), or opened (one an incident or a person opened), or else from when the service first loaded the dataset. A review of a
/// tightened catalogue's refusals covers only those grants and moves nothing. Reviews missed while the service was down (or before the dataset
/// had an interval) open as one, due at the latest interval passed; none opens while a whole review of the dataset is still open. Every node
/// looks; a review's id follows from its dataset and due time, so only one node opens it.
/// </summary>
public sealed class PeriodicAccessReviews(DatasetAccess access, AccessReviews reviews, AccessOptions options, IDocumentStore store,
    IServiceScopeFactory scopes, TimeProvider clock, ILogger<PeriodicAccessReviews> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ReviewCheckEvery <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.ReviewCheckEvery, clock);
        do
        {
            try
            {
                foreach (var due in await DueAsync(clock.GetUtcNow(), stoppingToken)) await OpenAsync(due, clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Looking for due access reviews failed; looking again in {Every}", options.ReviewCheckEvery);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The reviews due at <paramref name="now"/> that are not open yet.</summary>
    public async Task<IReadOnlyList<DueReview>> DueAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var due = new List<DueReview>();
        foreach (var d in access.Scanned().Where(d => d.ReviewEvery > TimeSpan.Zero))
        {
            var last = await session.Query<AccessReview>().Where(r => r.Dataset == d.Name && r.Trigger != ReviewTriggers.Catalogue)
                .OrderByDescending(r => r.OpenedAt).FirstOrDefaultAsync(ct);
            if (last is { Status: AccessReviewStatuses.Open }) continue;
            var firstLoaded = await session.Query<DatasetVersion>().Where(v => v.Name == d.Name).OrderBy(v => v.FirstLoadedAt).FirstOrDefaultAsync(ct);
            if ((last is null ? firstLoaded?.FirstLoadedAt : last.ScheduledFor ?? last.OpenedAt) is not { } since || since + d.ReviewEvery > now) continue;
            // The latest interval passed: however many were missed, one review.
            var at = since + d.ReviewEvery * Math.Floor((now - since) / d.ReviewEvery);
            due.Add(new DueReview(d.Name, at, StableIds.Of($"access-review:{d.Name}:{at.ToUnixTimeMilliseconds()}")));
        }
        return due;
    }

    /// <summary>Opens a due review, with its tasks and deadline in the same transaction; false when another node opened it first, or its
    /// dataset cannot be read now (tried at the next look).</summary>
    public async Task<bool> OpenAsync(DueReview due, DateTimeOffset now, CancellationToken ct)
    {
        if (access.Scanned().FirstOrDefault(d => d.Name == due.Dataset) is not { } d) return false;
        using var scope = scopes.CreateScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        try
        {
            var (review, messages) = await reviews.PrepareAsync(d, due.ReviewId, ReviewTriggers.Schedule, null, "system", null, null, session, now, ct,
                scheduledFor: due.DueAt);
            AccessReviews.Begin(session, review);
            await AccessReviews.SendAsync(outbox, messages);
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (ExistingStreamIdCollisionException)
        {
            return false; // another node opened it
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or Actions.ActionFailedException)
        {
            logger.LogWarning(e, "The access review of {Dataset} is due, and its table could not be read; trying at the next look", d.Name);
            return false;
        }
    }
}
