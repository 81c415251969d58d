namespace IncidentOrchestrator.Notifications.Channels;

/// <summary>
/// A Slack incoming-webhook message in Block Kit: a header, what is asked, the incident, severity and due time as fields,
/// and buttons — Acknowledge (a task) or Approve (an approval), which come back to <c>/api/integrations/slack/actions</c>,
/// and Open, the incident in the console.
/// </summary>
public static class SlackMessage
{
    public const string AcknowledgeAction = "task.acknowledge", ApproveAction = "approval.approve", OpenAction = "incident.open";

    public static object Of(ChannelMessage m)
    {
        var blocks = new List<object>
        {
            new { type = "header", text = new { type = "plain_text", text = Clip(m.Headline, 150), emoji = false } },
        };
        if (m.Asked is not null) blocks.Add(new { type = "section", text = new { type = "mrkdwn", text = Clip(Escape(m.Asked), 3000) } });
        var fields = new List<object>();
        if (m.Incident is not null) fields.Add(Field("Incident", m.LinkIsAbsolute ? $"<{m.Link}|{Escape(m.Incident)}>" : Escape(m.Incident)));
        if (m.Severity is not null) fields.Add(Field("Severity", m.Severity));
        if (m.DueBy is { } due) fields.Add(Field("By", $"<!date^{due.ToUnixTimeSeconds()}^{{date_short_pretty}} {{time}}|{due:u}>"));
        if (fields.Count > 0) blocks.Add(new { type = "section", fields });

        var buttons = new List<object>();
        if (m.WorkId is { } work && m.WorkKind == NotificationKinds.TaskWork)
            buttons.Add(new { type = "button", action_id = AcknowledgeAction, value = work.ToString(), style = "primary",
                text = new { type = "plain_text", text = "Acknowledge" } });
        if (m.WorkId is { } approval && m.WorkKind == NotificationKinds.ApprovalWork)
            buttons.Add(new { type = "button", action_id = ApproveAction, value = approval.ToString(), style = "primary",
                text = new { type = "plain_text", text = "Approve" } });
        if (m.LinkIsAbsolute)
            buttons.Add(new { type = "button", action_id = OpenAction, url = m.Link, text = new { type = "plain_text", text = "Open in the console" } });
        if (buttons.Count > 0) blocks.Add(new { type = "actions", block_id = "incident-orchestrator", elements = buttons });
        if (!m.LinkIsAbsolute) blocks.Add(new { type = "context", elements = new[] { new { type = "mrkdwn", text = Escape(m.Link) } } });

        return new { text = Clip(m.Line, 3000), blocks };
    }

    private static object Field(string name, string value) => new { type = "mrkdwn", text = $"*{name}*\n{value}" };

    /// <summary>Slack's three control characters, so a title cannot mention @channel or forge a link.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
