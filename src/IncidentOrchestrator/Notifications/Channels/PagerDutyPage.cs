namespace IncidentOrchestrator.Notifications.Channels;

/// <summary>
/// A PagerDuty Events API v2 event: a task, escalation or approval triggers with a stable <c>dedup_key</c> per piece of work,
/// its acknowledgement acknowledges, its completion resolves. Other notifications trigger one alert per incident and kind.
/// </summary>
public static class PagerDutyPage
{
    public const string EventsUrl = "https://events.pagerduty.com/v2/enqueue";

    public static string DedupKey(Notification n) => $"incident-orchestrator:{n.WorkId?.ToString() ?? $"{n.IncidentId}:{n.Kind}"}";

    public static object Of(Notification n, ChannelMessage m, string routingKey, NotificationOptions options)
    {
        var action = n.Kind switch { WorkStatuses.Acknowledged => "acknowledge", WorkStatuses.Settled => "resolve", _ => "trigger" };
        if (action != "trigger") return new { routing_key = routingKey, event_action = action, dedup_key = DedupKey(n) };

        var details = new Dictionary<string, object?> { ["link"] = m.Link };
        if (m.Incident is not null) details["incident"] = m.Incident;
        if (m.DueBy is { } due) details["due_by"] = due.ToString("O");
        var summary = m.Line.Length <= 1024 ? m.Line : m.Line[..1023] + "…";
        return new
        {
            routing_key = routingKey,
            event_action = action,
            dedup_key = DedupKey(n),
            payload = new
            {
                summary,
                source = "incident-orchestrator",
                severity = Severity(m.Restricted ? null : n.Severity),
                timestamp = n.At.ToString("O"),
                component = "incident",
                @class = n.Kind,
                custom_details = details,
            },
            client = "Incident Orchestrator",
            client_url = options.ConsoleUrl,
            links = m.LinkIsAbsolute ? new[] { new { href = m.Link, text = "Open in the console" } } : [],
        };
    }

    /// <summary>PagerDuty knows critical, error, warning and info; a restricted incident's page (no severity shown) is an error.</summary>
    private static string Severity(Contracts.Severity? severity) => severity switch
    {
        Contracts.Severity.Critical => "critical",
        Contracts.Severity.High or null => "error",
        Contracts.Severity.Medium => "warning",
        _ => "info",
    };
}
