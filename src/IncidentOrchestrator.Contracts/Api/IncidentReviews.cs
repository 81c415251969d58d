namespace IncidentOrchestrator.Contracts;

/// <summary>
/// The body of <c>PUT /api/incidents/{id}/review</c>: the fields of the post-incident review to change. A field left out (null) stays as it
/// is; an empty string clears it.
/// </summary>
public sealed record EditIncidentReview(
    string? Summary = null, ReviewImpact? Impact = null, string? RootCause = null, string? ContributingFactors = null, string? WentWell = null,
    string? WentBadly = null);

/// <summary>Who and what the incident touched, and for how long, in the review's words.</summary>
public sealed record ReviewImpact(string? People = null, string? Data = null, string? Duration = null);

/// <summary>The body of <c>POST /api/incidents/{id}/review/decisions</c>: what the review meeting decided.</summary>
public sealed record RecordReviewDecision(string? Decision);
