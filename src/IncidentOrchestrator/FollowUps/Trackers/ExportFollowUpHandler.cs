using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Notifications;
using Marten;

namespace IncidentOrchestrator.FollowUps.Trackers;

/// <summary>
/// Exports a follow-up: its issue is looked for first by the label that names the follow-up (an attempt that created it may have died before it
/// was recorded), and created only when there is none, so retries and redeliveries make one issue. What the tracker refuses is recorded and tried
/// again (<see cref="TryAgain"/>). A restricted incident's follow-up goes out as "A follow-up of a restricted incident" and a link, unless the tracker
/// is configured to show titles.
/// </summary>
public static class ExportFollowUpHandler
{
    public const string RestrictedTitle = "A follow-up of a restricted incident";

    public static async Task Handle(ExportFollowUp export, IQuerySession session, IncidentCommands commands, Trackers trackers, TrackerClients clients,
        NotificationOptions notifications, TimeProvider clock, ILogger<ExportFollowUp> logger, CancellationToken ct)
    {
        if (await session.LoadAsync<FollowUp>(export.FollowUpId, ct) is not { } followUp || followUp.Links.Any(l => l.Tracker == export.Tracker)) return;
        if (!trackers.TryGetValue(export.Tracker, out var options))
        {
            logger.LogWarning("Follow-up {FollowUp} was to be exported to {Tracker}, which is no longer configured", export.FollowUpId, export.Tracker);
            return;
        }
        TrackerIssue issue;
        try
        {
            var client = clients.For(options);
            var label = Label(followUp.Id);
            issue = await client.FindAsync(label, ct) ?? await client.CreateAsync(Draft(followUp, options, notifications, label), ct);
        }
        catch (TrackerException e)
        {
            var now = clock.GetUtcNow();
            logger.LogWarning(e.InnerException, "Exporting follow-up {FollowUp} to {Tracker} failed (attempt {Attempt}): {Reason}", export.FollowUpId, export.Tracker,
                export.Attempt, e.Message);
            if (e.Final)
            {
                await commands.DecideAsync(export.IncidentId, _ => IncidentDecision.Append(
                    new FollowUpExportAbandoned(export.IncidentId, export.FollowUpId, export.Tracker, export.Attempt, e.Message, now)), ct);
                return;
            }
            var retryAt = now + TryAgain.After(export.Attempt);
            await commands.DecideAsync(export.IncidentId, _ => IncidentDecision.Append(
                    new FollowUpExportFailed(export.IncidentId, export.FollowUpId, export.Tracker, export.Attempt, e.Message, retryAt, now))
                with { Scheduled = [(export with { Attempt = export.Attempt + 1 }, retryAt)] }, ct);
            return;
        }
        await commands.DecideAsync(export.IncidentId, incident => incident.FollowUps.Find(f => f.Id == export.FollowUpId) is { } known
                                                                  && !known.Trackers.Contains(export.Tracker)
            ? IncidentDecision.Append(new FollowUpExported(export.IncidentId, export.FollowUpId, export.Tracker, issue.Key, issue.Url, clock.GetUtcNow()))
            : IncidentDecision.Nothing, ct);
    }

    /// <summary>The label that finds a follow-up's issue again.</summary>
    public static string Label(Guid followUpId) => $"followup-{followUpId:N}";

    public static IssueDraft Draft(FollowUp f, TrackerOptions options, NotificationOptions notifications, string label)
    {
        var link = notifications.LinkTo($"/incidents/{f.IncidentId}#followup-{f.Id}");
        var facts = $"Due {f.DueAt:yyyy-MM-dd}. Owner: {f.Owner}. Priority: {f.Priority}.{(f.Tags.Count > 0 ? $" Tags: {string.Join(", ", f.Tags)}." : "")}";
        const string needToKnow = "The incident is need-to-know: the rest of what is to be done, and by whom, is in IncidentOrchestrator";
        return (f.Restricted, options.RestrictedTitles) switch
        {
            (true, false) => new IssueDraft(RestrictedTitle, $"Due {f.DueAt:yyyy-MM-dd}.\n\n{needToKnow}, {link}", label),
            (true, true) => new IssueDraft(f.Title, $"Due {f.DueAt:yyyy-MM-dd}.\n\n{needToKnow}, {link}", label), // the title, and only it
            _ => new IssueDraft(f.Title, $"{(f.Description is { } d ? d + "\n\n" : "")}{facts}\n\nIn IncidentOrchestrator: {link}", label),
        };
    }
}

/// <summary>The client of each kind of tracker, over one HTTP client that gives up on a tracker that does not answer in 30 s.</summary>
public sealed class TrackerClients(IHttpClientFactory http)
{
    public ITrackerClient For(TrackerOptions options) => options.Kind switch
    {
        TrackerKinds.GitHub => new GitHubIssues(http.CreateClient(nameof(TrackerClients)), options),
        _ => new JiraIssues(http.CreateClient(nameof(TrackerClients)), options),
    };
}
