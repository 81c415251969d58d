using IncidentOrchestrator.Incidents.Commanders;

namespace IncidentOrchestrator.Incidents.Reviewing;

/// <summary>When an incident's review must be written before it closes, and what it still lacks.</summary>
public static class IncidentReviewRules
{
    public static bool RequiresReview(this IncidentOptions options, Severity severity) => Severities(options.ReviewRequiredFor).Contains(severity);

    /// <summary>The severities <c>Incidents__ReviewRequiredFor</c> names (<c>none</c>: no severity); a name it does not know stops the start.</summary>
    public static IReadOnlyList<Severity> Severities(string configured) => configured.Trim() switch
    {
        "none" => [],
        "" => throw new InvalidOperationException("Incidents__ReviewRequiredFor is empty; say none for no severity, or a comma list of severities"),
        _ => configured.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => ApiJson.Value<Severity>(name) ?? throw new InvalidOperationException(
                $"Incidents__ReviewRequiredFor: '{name}' is not a severity; a comma list of {string.Join(", ", ApiJson.Names<Severity>())}, or none"))
            .ToList(),
    };

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
