using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Actions.Programmes;

public sealed record ProgrammeSuspended(
    string Programme, Guid IncidentId, Guid RunId, string ServiceAccountRole, List<string> RevokedOn, int SessionsEnded,
    DateTimeOffset ReviewBy, string By, DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Programme {Programme} suspended until reviewed by {ReviewBy:yyyy-MM-dd}";
}

/// <param name="AccessToRequest">Tables the suspension revoked whose access did not come back: the catalogue no longer lets the programme's
/// account read them without asking, so it asks for access like anyone (none on resumptions recorded before this was kept).</param>
public sealed record ProgrammeResumed(string Programme, Guid IncidentId, Guid RunId, List<string> ApprovedBySteps, string By, DateTimeOffset At,
    IReadOnlyList<string>? AccessToRequest = null) : ITimelineEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Programme {Programme} resumed after approval" + (AccessToRequest is { Count: > 0 } tables
        ? $"; its access to {string.Join(", ", tables)} was not restored: the catalogue now asks for it to be requested"
        : "");
}

/// <summary>The review date of a suspension passed while the programme was still suspended.</summary>
public sealed record ProgrammeReviewOverdue(string Programme, Guid IncidentId, DateTimeOffset SuspendedAt, DateTimeOffset ReviewBy, DateTimeOffset At)
    : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Programme {Programme} is still suspended past its review date {ReviewBy:yyyy-MM-dd HH:mm}; the commander must decide";
}

/// <summary>A programme's state and history, from its own stream (one per programme name).</summary>
public sealed partial class Programme
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Status { get; set; } = "active";

    public bool IsSuspended => Status == "suspended";
    public DateTimeOffset? SuspendedAt { get; set; }
    public DateTimeOffset? ReviewBy { get; set; }
    public Guid? SuspendedForIncident { get; set; }
    public List<ProgrammeChange> History { get; set; } = [];

    /// <summary>
    /// The tables its suspension revoked: what resuming it grants again, whatever the catalogue says by then. Null for a
    /// suspension recorded before the programme kept it.
    /// </summary>
    public List<string>? RevokedOn { get; set; }

    public static Programme Create(ProgrammeSuspended e) => new Programme { Name = e.Programme }.With(e);

    public void Apply(ProgrammeSuspended e) => With(e);

    public void Apply(ProgrammeResumed e)
    {
        Status = "active";
        SuspendedAt = null;
        ReviewBy = null;
        SuspendedForIncident = null;
        RevokedOn = null;
        History.Add(new ProgrammeChange("resumed", e.IncidentId, e.RunId, e.By, e.At));
    }

    public void Apply(ProgrammeReviewOverdue e) => History.Add(new ProgrammeChange("review-overdue", e.IncidentId, Guid.Empty, "system", e.At));

    private Programme With(ProgrammeSuspended e)
    {
        Status = "suspended";
        SuspendedAt = e.At;
        ReviewBy = e.ReviewBy;
        SuspendedForIncident = e.IncidentId;
        RevokedOn = e.RevokedOn;
        History.Add(new ProgrammeChange("suspended", e.IncidentId, e.RunId, e.By, e.At));
        return this;
    }

    /// <summary>The stream of a programme: a stable id derived from its name.</summary>
    public static Guid StreamId(string name) => Hosting.StableIds.Of("programme:" + name);
}

public sealed record ProgrammeChange(string Change, Guid IncidentId, Guid RunId, string By, DateTimeOffset At);
