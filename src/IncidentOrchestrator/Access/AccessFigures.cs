using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Reporting;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Access;

/// <summary>
/// Access to sensitive datasets at a glance, for leadership: requests asked in a window and how they ended, how long their
/// approvers took to decide (the median), break-glass use, and access standing now (roles the catalogue lets read without
/// asking, against grants requests hold for a time), and access reviews (open and overdue now; completed in the window, and the grants they
/// revoked). Counts only: no request, role or reason is shown.
/// </summary>
public sealed record AccessFiguresView(DateTimeOffset From, DateTimeOffset To, int Requested, int Granted, int Refused, int Expired, int BreakGlass,
    double? MedianSecondsToDecide, int StandingRoles, int TimeBoxedGrantsNow, int ReviewsOpen = 0, int ReviewsOverdue = 0, int ReviewsCompleted = 0,
    int RevokedByReviews = 0);

public static class AccessFiguresEndpoint
{
    [WolverineGet("/api/metrics/access"), Authorize(Roles = Roles.Oversight)]
    public static async Task<IResult> Get(string? from, string? to, IQuerySession session, CatalogueFolder catalogue, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var window = MetricsSummaryEndpoint.Window(from, to, clock.GetUtcNow(), validation);
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The metrics window is not valid"));
        return TypedResults.Ok(await FiguresAsync(window.From, window.To, session, catalogue, clock.GetUtcNow(), ct));
    }

    public static async Task<AccessFiguresView> FiguresAsync(DateTimeOffset since, DateTimeOffset until, IQuerySession session, CatalogueFolder catalogue,
        DateTimeOffset now, CancellationToken ct)
    {
        var asked = await session.Query<AccessRequest>().Where(r => r.RequestedAt >= since && r.RequestedAt < until).ToListAsync(ct);
        var decided = asked.Where(r => !r.BreakGlass).Select(r => r.DecidedAt() - r.RequestedAt).OfType<TimeSpan>().Order().ToList();
        var live = await LiveGrants.ListAsync(session, now, ct);
        var open = await session.Query<Reviews.AccessReview>().Where(r => r.Status == Reviews.AccessReviewStatuses.Open).ToListAsync(ct);
        var completed = await session.Query<Reviews.AccessReview>()
            .Where(r => r.Status == Reviews.AccessReviewStatuses.Completed && r.CompletedAt >= since && r.CompletedAt < until).ToListAsync(ct);
        return new AccessFiguresView(since, until, asked.Count, asked.Count(r => r.GrantedAt is not null), asked.Count(r => r.Status == AccessStatuses.Refused),
            asked.Count(r => r.Status == AccessStatuses.Expired), asked.Count(r => r.BreakGlass),
            decided.Count == 0 ? null : Math.Round(decided[decided.Count / 2].TotalSeconds, 1),
            catalogue.Catalogue.Datasets.Values.Sum(d => d.Standing.Count), live.Count(r => r.Status == AccessStatuses.Granted && r.EndsAt > now),
            open.Count, open.Count(r => r.IsOverdue(now)), completed.Count,
            completed.Sum(r => r.Items.Count(i => i.Decision == Reviews.AccessReviewDecisions.Revoke)));
    }
}
