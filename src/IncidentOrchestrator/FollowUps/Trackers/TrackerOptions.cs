namespace IncidentOrchestrator.FollowUps.Trackers;

public static class TrackerKinds
{
    public const string GitHub = "github", Jira = "jira";
    public static readonly string[] All = [GitHub, Jira];
}

/// <summary>
/// A tracker follow-ups are exported to, configured by name (<c>Trackers__&lt;name&gt;__…</c>): GitHub Issues (<c>Repository</c> owner/name) or Jira
/// (<c>Project</c> key, <c>IssueType</c>), at <c>Url</c> (https://api.github.com, https://acme.atlassian.net), with a <c>Token</c> (and the Jira
/// account's <c>User</c>). Its webhook, signed with <c>WebhookSecret</c>, moves a follow-up to done when its issue is closed, and back when it is reopened.
/// </summary>
public sealed class TrackerOptions
{
    public string Kind { get; set; } = "";
    public string Url { get; set; } = "";
    public string? Repository { get; set; }
    public string? Project { get; set; }
    public string IssueType { get; set; } = "Task";
    public string? User { get; set; }
    public string? Token { get; set; }
    public string? WebhookSecret { get; set; }

    /// <summary>Whether a restricted incident's follow-ups go out with their titles (and only those); off: "A follow-up of a restricted incident".</summary>
    public bool RestrictedTitles { get; set; }

    /// <summary>What is wrong with it, or null when it can be used.</summary>
    public string? Problem => Kind switch
    {
        TrackerKinds.GitHub when string.IsNullOrWhiteSpace(Repository) || !Repository.Contains('/') => "Repository (owner/name) is required for GitHub",
        TrackerKinds.Jira when string.IsNullOrWhiteSpace(Project) => "Project (its key) is required for Jira",
        TrackerKinds.Jira when string.IsNullOrWhiteSpace(User) => "User (the Jira account's email) is required for Jira",
        TrackerKinds.GitHub or TrackerKinds.Jira when !Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps && !url.IsLoopback =>
            "Url must be an absolute https URL (its token goes with every request; http only to this machine)",
        TrackerKinds.GitHub or TrackerKinds.Jira when string.IsNullOrWhiteSpace(Token) => "Token is required",
        TrackerKinds.GitHub or TrackerKinds.Jira => null,
        _ => $"Kind must be one of {string.Join(", ", TrackerKinds.All)}",
    };
}

/// <summary>The trackers configured, by name.</summary>
public sealed class Trackers : Dictionary<string, TrackerOptions>
{
    public Trackers() : base(StringComparer.OrdinalIgnoreCase) { }

    /// <summary>The configured name a caller's name stands for (names are compared ignoring case), as links and events carry it.</summary>
    public string? NameOf(string name) => Keys.FirstOrDefault(k => string.Equals(k, name.Trim(), StringComparison.OrdinalIgnoreCase));
}
