namespace IncidentOrchestrator.Incidents.Reviewing;

/// <summary>The fields of a post-incident review: their key in the API and on the timeline, and how a person reads their name.</summary>
public static class ReviewFields
{
    public sealed record Field(string Key, string Label, Func<EditIncidentReview, string?> From);

    public const int MaxLength = 20_000;

    public static readonly IReadOnlyList<Field> All =
    [
        new("summary", "summary", e => e.Summary),
        new("impact.people", "people affected", e => e.Impact?.People),
        new("impact.data", "data affected", e => e.Impact?.Data),
        new("impact.duration", "how long it lasted", e => e.Impact?.Duration),
        new("rootCause", "root cause", e => e.RootCause),
        new("contributingFactors", "contributing factors", e => e.ContributingFactors),
        new("wentWell", "what went well", e => e.WentWell),
        new("wentBadly", "what did not go well", e => e.WentBadly),
    ];

    public static string Label(string key) => All.FirstOrDefault(f => f.Key == key)?.Label ?? key;
}
