using System.Globalization;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Reporting;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.FollowUps;

/// <summary>Follow-ups still pending now, for incidents of one severity: how many, how many overdue, and for how long.</summary>
public sealed record FollowUpSeverityFigure(Severity Severity, int Open, int Overdue, int OverdueUnder7Days, int Overdue7To30Days, int OverdueOver30Days);

/// <summary>
/// The follow-ups due in one month of the window and how they ended: done by their due date, done late, still pending (of which <c>notYetDue</c> are
/// not due yet), or declared not to be done.
/// </summary>
public sealed record FollowUpMonthFigure(string Month, int Due, int DoneOnTime, int DoneLate, int Pending, int WontDo, int NotYetDue)
{
    /// <summary>Done by the due date, of those whose due date has passed and that were to be done (won't-do aside); null when there were none.</summary>
    public double? OnTimeRate => Due - WontDo - NotYetDue is > 0 and var owed ? Math.Round((double)DoneOnTime / owed, 3) : null;
}

/// <summary>
/// Follow-ups at a glance, for leadership: pending and overdue ones by severity and how long overdue, and per month of the window how many due that month
/// were done by their due date. Only the follow-ups of incidents the caller may see count.
/// </summary>
public sealed record FollowUpFiguresView(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<FollowUpSeverityFigure> BySeverity, IReadOnlyList<FollowUpMonthFigure> Months);

public static class FollowUpFiguresEndpoint
{
    /// <summary><c>GET /api/metrics/followups</c>: the figures for a window (by default the last 90 days).</summary>
    [WolverineGet("/api/metrics/followups"), Authorize(Roles = Roles.Oversight)]
    public static async Task<IResult> Get(string? from, string? to, IQuerySession session, TimeProvider clock, HttpContext context, CancellationToken ct)
    {
        var validation = new Problems.Validation();
        var window = MetricsSummaryEndpoint.Window(from, to, clock.GetUtcNow(), validation);
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The metrics window is not valid"));
        return TypedResults.Ok(await FiguresAsync(window.From, window.To, context.User.Caller(), session, clock.GetUtcNow(), ct));
    }

    public static async Task<FollowUpFiguresView> FiguresAsync(DateTimeOffset since, DateTimeOffset until, Caller caller, IQuerySession session,
        DateTimeOffset now, CancellationToken ct)
    {
        var pending = await session.Query<FollowUp>().Where(f => f.Status.IsOneOf(FollowUpStatuses.Pending)).ToListAsync(ct);
        var due = await session.Query<FollowUp>().Where(f => f.DueAt >= since && f.DueAt < until).ToListAsync(ct);
        var incidents = new IncidentsLoaded(session);
        pending = [.. await NeedToKnowGate.VisibleAsync(incidents, caller, pending, f => f.IncidentId, f => f.Owner == caller.Subject, ct)];
        due = [.. await NeedToKnowGate.VisibleAsync(incidents, caller, due, f => f.IncidentId, f => f.Owner == caller.Subject, ct)];

        // By each incident's severity now: it may have changed since its follow-ups were created.
        var severityOf = await incidents.LoadAsync(pending.Select(f => f.IncidentId), ct);
        var bySeverity = Enum.GetValues<Severity>().OrderDescending().Select(severity =>
        {
            var open = pending.Where(f => (severityOf.TryGetValue(f.IncidentId, out var i) ? i.Severity : f.Severity) == severity).ToList();
            var late = open.Where(f => f.IsOverdue(now)).Select(f => now - f.DueAt).ToList();
            return new FollowUpSeverityFigure(severity, open.Count, late.Count, late.Count(d => d < TimeSpan.FromDays(7)),
                late.Count(d => d >= TimeSpan.FromDays(7) && d < TimeSpan.FromDays(30)), late.Count(d => d >= TimeSpan.FromDays(30)));
        }).ToList();
        var months = due.GroupBy(f => Month(f.DueAt)).OrderBy(g => g.Key).Select(g => new FollowUpMonthFigure(g.Key, g.Count(),
            g.Count(f => f.Status == FollowUpStatuses.Done && f.ClosedAt <= f.DueAt), g.Count(f => f.Status == FollowUpStatuses.Done && f.ClosedAt > f.DueAt),
            g.Count(f => f.IsPending), g.Count(f => f.Status == FollowUpStatuses.WontDo), g.Count(f => f.IsPending && f.DueAt > now))).ToList();
        return new FollowUpFiguresView(since, until, bySeverity, months);
    }

    private static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
