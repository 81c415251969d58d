using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;
using Marten;
using Marten.Exceptions;
using Wolverine.Marten;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>
/// Each dataset's access is reviewed every <c>review</c> interval its catalogue entry declares: counted from its last review (whatever opened
/// it), or from when the service first loaded the dataset. A review missed while the service was down opens at the next look, once, not once
/// per missed interval. Every node looks; a review's id follows from its dataset and due time, so only one node opens it.
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
                await OpenDueAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Looking for due access reviews failed; looking again in {Every}", options.ReviewCheckEvery);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Opens the reviews due at <paramref name="now"/>; returns their ids. A dataset whose database does not answer is tried at the next look.</summary>
    public async Task<IReadOnlyList<Guid>> OpenDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var opened = new List<Guid>();
        foreach (var d in access.Scanned().Where(d => d.ReviewEvery > TimeSpan.Zero))
        {
            using var scope = scopes.CreateScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
            await using var session = store.LightweightSession();
            outbox.Enroll(session);
            var last = await session.Query<AccessReview>().Where(r => r.Dataset == d.Name).OrderByDescending(r => r.OpenedAt).FirstOrDefaultAsync(ct);
            var firstLoaded = await session.Query<DatasetVersion>().Where(v => v.Name == d.Name).OrderBy(v => v.FirstLoadedAt).FirstOrDefaultAsync(ct);
            if ((last?.OpenedAt ?? firstLoaded?.FirstLoadedAt) is not { } since || since + d.ReviewEvery is var due && due > now) continue;
            try
            {
                var (review, messages) = await reviews.PrepareAsync(d, StableIds.Of($"access-review:{d.Name}:{due.ToUnixTimeMilliseconds()}"),
                    ReviewTriggers.Schedule, null, "system", null, null, session, now, ct);
                AccessReviews.Begin(session, review);
                await AccessReviews.SendAsync(outbox, messages);
                await session.SaveChangesAsync(ct);
                opened.Add(review.ReviewId);
            }
            catch (ExistingStreamIdCollisionException)
            {
                // Another node opened it.
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
            {
                logger.LogWarning(e, "The access review of {Dataset} is due, and its database did not answer; trying at the next look", d.Name);
            }
        }
        return opened;
    }
}
