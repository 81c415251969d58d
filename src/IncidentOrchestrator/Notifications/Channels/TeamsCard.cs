namespace IncidentOrchestrator.Notifications.Channels;

/// <summary>A Microsoft Teams workflow-webhook message: one Adaptive Card (1.4) with the facts and a link to the console.</summary>
public static class TeamsCard
{
    public static object Of(ChannelMessage m)
    {
        var body = new List<object>
        {
            new { type = "TextBlock", text = m.Headline, weight = "Bolder", size = "Medium", wrap = true },
        };
        if (m.Asked is not null) body.Add(new { type = "TextBlock", text = m.Asked, wrap = true });
        var facts = new List<object>();
        if (m.Incident is not null) facts.Add(new { title = "Incident", value = m.Incident });
        if (m.Severity is not null) facts.Add(new { title = "Severity", value = m.Severity });
        if (m.DueBy is { } due) facts.Add(new { title = "By", value = $"{due:u}" });
        if (facts.Count > 0) body.Add(new { type = "FactSet", facts });
        if (!m.LinkIsAbsolute) body.Add(new { type = "TextBlock", text = m.Link, isSubtle = true, wrap = true });

        var actions = m.LinkIsAbsolute ? new object[] { new { type = "Action.OpenUrl", title = "Open in the console", url = m.Link } } : [];
        var card = new Dictionary<string, object>
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
            ["actions"] = actions,
        };
        return new
        {
            type = "message",
            attachments = new[] { new { contentType = "application/vnd.microsoft.card.adaptive", contentUrl = (string?)null, content = card } },
        };
    }
}
