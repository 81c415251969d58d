namespace IncidentOrchestrator.FollowUps.Trackers;

/// <summary>An issue in a tracker.</summary>
public sealed record TrackerIssue(string Key, string Url);

/// <summary>What a follow-up's issue says: its title, its text, and the label that finds it again.</summary>
public sealed record IssueDraft(string Title, string Body, string Label);

/// <summary>A tracker's API, as far as exporting a follow-up needs it.</summary>
public interface ITrackerClient
{
    /// <summary>The issue labelled <paramref name="label"/>, made by an earlier attempt, or null.</summary>
    Task<TrackerIssue?> FindAsync(string label, CancellationToken ct);

    Task<TrackerIssue> CreateAsync(IssueDraft draft, CancellationToken ct);
}

/// <summary>The tracker answered with an error, or not at all: the export is tried again.</summary>
public sealed class TrackerException(string message) : Exception(message);
