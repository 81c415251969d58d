namespace IncidentOrchestrator.Notifications.Channels;

/// <summary>
/// What a channel may show of a notification. A restricted incident's notification says only that a restricted incident
/// needs you (an access request's, that an access request does), with the link (and the incident's title, on a channel allowed to show restricted titles): never what is
/// asked, the severity or anything else about it. Channels are shared places.
/// </summary>
public sealed record ChannelMessage(string Headline, string? Incident, string? Severity, string? Asked, DateTimeOffset? DueBy, string Link,
    bool Restricted, Guid? WorkId, string Kind, string? WorkKind = null)
{
    public const string RestrictedHeadline = "A restricted incident needs you", AccessRequestHeadline = "An access request needs you",
        AccessReviewHeadline = "An access review needs you";

    public bool LinkIsAbsolute => Uri.TryCreate(Link, UriKind.Absolute, out _);

    public static ChannelMessage Of(Notification n, NotificationChannel channel, NotificationOptions options)
    {
        var link = options.LinkTo(n.ConsoleLink ?? Runs.RunSubject.ConsoleLinkOf(n.Subject, n.IncidentId));
        if (n.Restricted)
            // A request's title names a role and a dataset: never in a shared channel, whatever it may show of incidents.
            return new ChannelMessage(n.Subject switch
                {
                    Playbooks.Model.Subjects.AccessRequest => AccessRequestHeadline,
                    Playbooks.Model.Subjects.AccessReview => AccessReviewHeadline,
                    _ => RestrictedHeadline,
                },
                channel.RestrictedTitles && n.Subject == Playbooks.Model.Subjects.Incident ? n.IncidentTitle : null, null, null, n.DueBy, link, true, n.WorkId, n.Kind,
                n.WorkKind);
        var headline = n.Kind switch
        {
            NotificationKinds.Task => "A task for you",
            NotificationKinds.Escalation => "Escalated to you",
            NotificationKinds.Approval => "Your approval is asked",
            NotificationKinds.Run => "A playbook run ended",
            NotificationKinds.FollowUp => "A follow-up for you",
            _ => "Incident",
        };
        return new ChannelMessage(headline, n.IncidentTitle, (n.Severity is { } severity ? ApiJson.Name(severity) : null), n.Title, n.DueBy, link, false, n.WorkId, n.Kind,
            n.WorkKind);
    }

    /// <summary>One line for places with room for one (a fallback text, a mail subject, a page summary).</summary>
    public string Line => Restricted
        ? Incident is null ? Headline : $"{Headline}: {Incident}"
        : $"{(Severity is null ? "" : $"[{Severity}] ")}{Headline}: {Asked ?? Incident}";
}
