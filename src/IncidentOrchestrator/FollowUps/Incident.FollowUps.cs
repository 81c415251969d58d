using IncidentOrchestrator.FollowUps;
using IncidentOrchestrator.FollowUps.Trackers;

namespace IncidentOrchestrator.Incidents;

/// <summary>What the follow-ups slice folds into the incident: its follow-ups are events on the incident's stream.</summary>
public partial class Incident
{
    /// <summary>
    /// The incident's follow-ups, as far as deciding on them needs. Their lists and figures read <see cref="FollowUp"/>, folded from the same
    /// events across incidents; decisions read this one, so that they are made on the incident's stream version and retried when it moved.
    /// </summary>
    public List<IncidentFollowUp> FollowUps { get; set; } = [];

    private void OnFollowUp(IFollowUpEvent followUpEvent)
    {
        switch (followUpEvent)
        {
            case FollowUpCreated e: FollowUps.Add(new IncidentFollowUp(e.FollowUpId, e.Title, e.Owner, e.DueAt, FollowUpStatuses.Open, [.. e.Tags], 0)); break;
            case FollowUpStatusChanged e: Change(e.FollowUpId, f => f with { Status = e.Status, Reason = e.Reason }); break;
            case FollowUpEscalated e: Change(e.FollowUpId, f => f with { EscalationLevel = Math.Max(f.EscalationLevel, e.Level) }); break;
            case FollowUpExportRequested e: Change(e.FollowUpId, f => f with { ExportsAsked = [.. f.ExportsAsked, e.Tracker] }); break;
            case FollowUpExportAbandoned e: Change(e.FollowUpId, f => f with { ExportsAsked = [.. f.ExportsAsked.Where(t => t != e.Tracker)] }); break;
            case FollowUpExported e: Change(e.FollowUpId, f => f with { Trackers = [.. f.Trackers, e.Tracker] }); break;
            case FollowUpReminded e: Change(e.FollowUpId, f => f with { RemindedFor = e.DueAt }); break;
        }
    }

    private void Change(Guid id, Func<IncidentFollowUp, IncidentFollowUp> change)
    {
        var index = FollowUps.FindIndex(f => f.Id == id);
        if (index >= 0) FollowUps[index] = change(FollowUps[index]);
    }
}

/// <summary>A follow-up of the incident, as the incident decides on it.</summary>
public sealed record IncidentFollowUp(Guid Id, string Title, string Owner, DateTimeOffset DueAt, string Status, List<string> Tags, int EscalationLevel)
{
    /// <summary>The trackers it was exported to.</summary>
    public List<string> Trackers { get; init; } = [];

    /// <summary>The trackers it was asked to be exported to: one export each, however often it is asked.</summary>
    public List<string> ExportsAsked { get; init; } = [];

    /// <summary>Why it stands where it is (won't do, reopened), as last said.</summary>
    public string? Reason { get; init; }

    /// <summary>The due date its owner was last reminded of (a reminder delivered again reminds nobody twice).</summary>
    public DateTimeOffset? RemindedFor { get; init; }

    public bool IsPending => FollowUpStatuses.IsPending(Status);
}
