using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.FollowUps.Trackers;

/// <summary>Somebody asked for the follow-up to be exported to a tracker; the export follows, and is tried again until it is done.</summary>
public sealed record FollowUpExportRequested(Guid IncidentId, Guid FollowUpId, string Tracker, string By, DateTimeOffset At) : ITimelineEvent, IFollowUpEvent
{
    string ITimelineEvent.Actor => By;
    string ITimelineEvent.Describe() => $"Follow-up to be exported to {Tracker}";
}

/// <summary>The follow-up has its issue in the tracker (created now, or found from an earlier attempt).</summary>
public sealed record FollowUpExported(Guid IncidentId, Guid FollowUpId, string Tracker, string Key, string Url, DateTimeOffset At) : ITimelineEvent, IFollowUpEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Follow-up exported to {Tracker} as {Key}";
}

/// <summary>The tracker did not take the follow-up; the export is tried again at <paramref name="RetryAt"/>.</summary>
public sealed record FollowUpExportFailed(Guid IncidentId, Guid FollowUpId, string Tracker, int Attempt, string Reason, DateTimeOffset RetryAt, DateTimeOffset At)
    : ISystemEvent, IFollowUpEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Export to {Tracker} failed (attempt {Attempt}: {Reason}); trying again at {RetryAt:u}";
}

/// <summary>The tracker refused the follow-up in a way no attempt could do better (a bad token, a project it does not have): the export ends, and
/// may be asked for again once the tracker's settings are fixed.</summary>
public sealed record FollowUpExportAbandoned(Guid IncidentId, Guid FollowUpId, string Tracker, int Attempt, string Reason, DateTimeOffset At)
    : ITimelineEvent, IFollowUpEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Export to {Tracker} failed and is not tried again: {Reason}. Fix the tracker's settings, then export it again.";
}

/// <summary>Where a follow-up is tracked: the tracker's name, the key there (acme/privacy#12, PRIV-12) and its address.</summary>
public sealed record TrackerLink(string Tracker, string Key, string Url);

/// <summary>Export the follow-up to the tracker: find its issue (an earlier attempt may have made it) or create it, then record the link.</summary>
public sealed record ExportFollowUp(Guid IncidentId, Guid FollowUpId, string Tracker, int Attempt = 1);
