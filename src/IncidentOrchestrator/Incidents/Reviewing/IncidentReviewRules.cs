using IncidentOrchestrator.Incidents.Commanders;

namespace IncidentOrchestrator.Incidents.Reviewing;

/// <summary>When an incident's review must be written before it closes, and what it still lacks.</summary>
public static class IncidentReviewRules
{
    /// <summary>Incidents of these severities close only once every field of their review is written, unless configured otherwise.</summary>
    public static readonly Severity[] RequiredByDefault = [Severity.Critical, Severity.High];

    public static bool RequiresReview(this IncidentOptions options, Severity severity) =>
        (options.ReviewRequiredFor ?? RequiredByDefault).Contains(severity);

    /// <summary>The review's fields not yet written, in the review's order.</summary>
    public static IReadOnlyList<ReviewFields.Field> Missing(Incident incident) =>
        ReviewFields.All.Where(f => !incident.Review.ContainsKey(f.Key)).ToList();

    /// <summary>Why the incident may not close yet, or null when it may.</summary>
    public static Hosting.Refusal? WhyNotClose(IncidentOptions options, Incident incident) =>
        options.RequiresReview(incident.Severity) && Missing(incident) is { Count: > 0 } missing
            ? new Hosting.Refusal(Hosting.RefusalKind.Conflict, "The review is not written yet",
                $"A {ApiJson.Name(incident.Severity)} incident closes once its review is written; it still lacks: {string.Join(", ", missing.Select(f => f.Label))}.",
                missing.ToDictionary(f => f.Key, f => new[] { $"{char.ToUpperInvariant(f.Label[0])}{f.Label[1..]} is not written yet." }))
            : null;
}
