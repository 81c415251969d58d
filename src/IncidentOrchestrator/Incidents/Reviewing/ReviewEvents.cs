using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Incidents.Reviewing;

/// <summary>The resolved incident went into its post-incident review.</summary>
public sealed record IncidentReviewBegan(Guid IncidentId, string By, DateTimeOffset At, [property: Sensitive] string? Reason = null) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => Reason is null ? "Post-incident review began" : $"Post-incident review began: {Reason}";
}

/// <summary>A field of the review was written (an empty text clears it).</summary>
public sealed record IncidentReviewEdited(Guid IncidentId, string Field, [property: Sensitive] string Text, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => Text.Length == 0 ? $"Review: {ReviewFields.Label(Field)} cleared" : $"Review: {ReviewFields.Label(Field)} written";
}

/// <summary>What the review meeting decided, in its own words.</summary>
public sealed record IncidentReviewDecisionRecorded(Guid IncidentId, [property: Sensitive] string Decision, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Review decision: {Decision}";
}

/// <summary>A decision of the review meeting, as the incident keeps it.</summary>
public sealed record ReviewDecision(string Decision, string By, DateTimeOffset At);
