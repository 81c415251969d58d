using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace IncidentOrchestrator.Incidents.GettingDetails;


public sealed record IncidentDetails(
    Guid Id, string Title, Severity Severity, IncidentStatus Status, bool Restricted, string Phase,
    string? Commander, DateTimeOffset OpenedAt, DateTimeOffset? ContainedAt, DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt, int SignalCount, string? Summary, IReadOnlyList<string> Fingerprints,
    IReadOnlyList<IncidentRun> Runs, int Version, DateTimeOffset? FirstObservedAt, DateTimeOffset? AcknowledgedAt,
    IReadOnlyList<string> Participants, IncidentReviewDetails Review)
{
    public static IncidentDetails From(Incident i, bool redact = false) => new(i.Id, i.Title, i.Severity, i.Status, i.Restricted, i.Phase,
        i.Commander, i.OpenedAt, i.ContainedAt, i.ResolvedAt, i.ClosedAt, i.SignalCount, Redaction.Text(i.Summary, redact), i.Fingerprints, i.Runs,
        i.Version, i.FirstObservedAt, i.AcknowledgedAt, i.Participants, IncidentReviewDetails.From(i, redact));
}

/// <summary>The post-incident review as written so far; <c>missing</c> names the fields not written yet.</summary>
public sealed record IncidentReviewDetails(
    string? Summary, ReviewImpact Impact, string? RootCause, string? ContributingFactors, string? WentWell, string? WentBadly,
    IReadOnlyList<ReviewDecisionDetails> Decisions, IReadOnlyList<string> Missing)
{
    public static IncidentReviewDetails From(Incident i, bool redact)
    {
        string? Field(string key) => Redaction.Text(i.Review.GetValueOrDefault(key), redact);
        return new(Field("summary"), new ReviewImpact(Field("impact.people"), Field("impact.data"), Field("impact.duration")), Field("rootCause"),
            Field("contributingFactors"), Field("wentWell"), Field("wentBadly"),
            i.ReviewDecisions.Select(d => new ReviewDecisionDetails(Redaction.Text(d.Decision, redact)!, d.By, d.At)).ToList(),
            Reviewing.IncidentReviewRules.Missing(i).Select(f => f.Key).ToList());
    }
}

public sealed record ReviewDecisionDetails(string Decision, string By, DateTimeOffset At);

public static class GetIncidentEndpoint
{
    [WolverineGet("/api/incidents/{id}"), Authorize(Roles = Roles.Readers)]
    public static async Task<Results<Ok<IncidentDetails>, ProblemHttpResult>> Get(
        Guid id, IQuerySession session, ClaimsPrincipal user, HttpContext context, CancellationToken ct)
    {
        var incident = NeedToKnowGate.Admitted(context, id) ?? await session.LoadAsync<Incident>(id, ct);
        return incident is not null
            ? TypedResults.Ok(IncidentDetails.From(incident, Redaction.AppliesTo(user.Caller(), incident)))
            : Problems.NotFound("Incident", id);
    }
}
