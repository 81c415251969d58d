using System.Net;
using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Actions.Webhooks;

namespace IncidentOrchestrator.Notifications.Channels;

/// <summary>Sends one delivery to one channel in that channel's format. A failure throws, and the delivery is retried.</summary>
public static class ChannelDelivery
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    public static async Task SendAsync(DeliverNotification delivery, NotificationChannel channel, NotificationOptions options, IHttpClientFactory clients,
        EmailSender email, Marten.IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var n = delivery.Notification;
        var message = ChannelMessage.Of(n, channel, options);
        switch (channel.Kind.ToLowerInvariant())
        {
            case NotificationChannel.Slack:
                await PostAsync(clients, channel.Url!, JsonSerializer.Serialize(SlackMessage.Of(message), Json), null, ct);
                break;
            case NotificationChannel.Teams:
                await PostAsync(clients, channel.Url!, JsonSerializer.Serialize(TeamsCard.Of(message), Json), null, ct);
                break;
            case NotificationChannel.PagerDuty:
                if (!await PageStillFitsAsync(n, session, ct)) return;
                await PostAsync(clients, channel.Url ?? PagerDutyPage.EventsUrl,
                    JsonSerializer.Serialize(PagerDutyPage.Of(n, message, channel.RoutingKey!, options), Json), null, ct);
                break;
            case NotificationChannel.Webhook:
                var body = JsonSerializer.Serialize(new
                {
                    kind = n.Kind, incidentId = n.IncidentId, incident = message.Incident, severity = message.Severity, headline = message.Headline,
                    asked = message.Asked, dueBy = message.DueBy, workId = n.WorkId, link = message.Link, restricted = message.Restricted, at = n.At,
                }, Json);
                var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
                await PostAsync(clients, channel.Url!, body, request =>
                {
                    request.Headers.Add(PostWebhook.SignatureHeader, $"t={timestamp},v1={PostWebhook.Sign(channel.Secret ?? "", timestamp, body)}");
                    request.Headers.Add("Idempotency-Key", delivery.DeliveryId.ToString());
                }, ct);
                break;
            case NotificationChannel.Email:
                if (n.Kind is WorkStatuses.Acknowledged or WorkStatuses.Settled) return;
                await email.SendAsync(channel.To, message.Line, Text(message), Html(message), delivery.DeliveryId, ct);
                break;
        }
    }

    /// <summary>
    /// Deliveries of one piece of work may be retried and overtake each other: a trigger or an acknowledgement of work that
    /// has since been settled would page someone for nothing (or re-open the alert), so it is dropped. The resolve always goes.
    /// </summary>
    private static async Task<bool> PageStillFitsAsync(Notification n, Marten.IQuerySession session, CancellationToken ct)
    {
        if (n.WorkId is not { } work || n.Kind == WorkStatuses.Settled) return true;
        var settled = await session.LoadAsync<Tasks.TaskItem>(work, ct) is { } task ? task.IsDone
            : await session.LoadAsync<Approvals.ApprovalItem>(work, ct) is { } approval && approval.Outcome is not null;
        return !settled;
    }

    private static async Task PostAsync(IHttpClientFactory clients, string url, string body, Action<HttpRequestMessage>? headers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        headers?.Invoke(request);
        using var response = await clients.CreateClient(nameof(PostWebhook)).SendAsync(request, ct);
        response.EnsureSuccessStatusCode(); // a failure is retried by the handler's policy
    }

    public static string Text(ChannelMessage m)
    {
        var text = new StringBuilder().AppendLine(m.Headline).AppendLine();
        if (m.Asked is not null) text.AppendLine(m.Asked).AppendLine();
        if (m.Incident is not null) text.AppendLine($"Incident: {m.Incident}");
        if (m.Severity is not null) text.AppendLine($"Severity: {m.Severity}");
        if (m.DueBy is { } due) text.AppendLine($"By: {due:u}");
        return text.AppendLine().AppendLine(m.Link).ToString();
    }

    public static string Html(ChannelMessage m)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder($"<h2>{E(m.Headline)}</h2>");
        if (m.Asked is not null) html.Append($"<p>{E(m.Asked)}</p>");
        html.Append("<table>");
        if (m.Incident is not null) html.Append($"<tr><th align=\"left\">Incident</th><td>{E(m.Incident)}</td></tr>");
        if (m.Severity is not null) html.Append($"<tr><th align=\"left\">Severity</th><td>{E(m.Severity)}</td></tr>");
        if (m.DueBy is { } due) html.Append($"<tr><th align=\"left\">By</th><td>{due:u}</td></tr>");
        html.Append("</table>");
        return html.Append($"<p><a href=\"{E(m.Link)}\">Open in the console</a></p>").ToString();
    }
}
