using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Actions.Webhooks;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;

namespace IncidentOrchestrator.Notifications;

/// <summary>
/// Configuration <c>Notifications__*</c>: channels by name (<c>Notifications__Channels__&lt;name&gt;__Kind</c> = slack, teams,
/// pagerduty, webhook or email), the console's address for links, and the SMTP server for email. The older
/// <c>Notifications__Webhooks__&lt;name&gt;</c> (a signed JSON post, or a Slack text) still works and never hears of restricted incidents.
/// </summary>
public sealed class NotificationOptions
{
    public Dictionary<string, NotificationWebhook> Webhooks { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, NotificationChannel> Channels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The web console's address (https://incidents.example.com): links in messages point at its incident pages.</summary>
    public string? ConsoleUrl { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>A console page (a path) as people open it from a channel.</summary>
    public string LinkTo(string consolePath) => $"{ConsoleUrl?.TrimEnd('/')}{consolePath}";

    /// <summary>Whether some channel pages (PagerDuty): only then do acknowledgements and settled work go out as messages.</summary>
    public bool Pages => Channels.Values.Any(c => string.Equals(c.Kind, NotificationChannel.PagerDuty, StringComparison.OrdinalIgnoreCase));
}

public sealed class NotificationWebhook
{
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";

    /// <summary><c>json</c> (the notification as it is) or <c>slack</c> (an incoming-webhook payload with <c>text</c>).</summary>
    public string Format { get; set; } = "json";
}

/// <summary>One channel people read, and which notifications it takes.</summary>
public sealed class NotificationChannel
{
    public const string Slack = "slack", Teams = "teams", PagerDuty = "pagerduty", Webhook = "webhook", Email = "email";
    public static readonly string[] AllKinds = [Slack, Teams, PagerDuty, Webhook, Email];

    public string Kind { get; set; } = Webhook;

    /// <summary>Slack's incoming webhook, Teams' workflow webhook, a webhook's address, or PagerDuty's events endpoint (its default).</summary>
    public string? Url { get; set; }

    /// <summary>A webhook's signing secret (<c>X-Signature: t=…,v1=HMAC-SHA256</c>).</summary>
    public string? Secret { get; set; }

    /// <summary>PagerDuty: the integration's routing key.</summary>
    public string? RoutingKey { get; set; }

    /// <summary>Email: the addresses it goes to.</summary>
    public List<string> To { get; set; } = [];

    /// <summary>The kinds it takes (task, escalation, approval, run, incident); none listed: all.</summary>
    public List<string> Notifications { get; set; } = [];

    /// <summary>Incidents below this severity are not sent here.</summary>
    public Severity MinSeverity { get; set; } = Severity.Low;

    /// <summary>May this channel show a restricted incident's title? Otherwise it only says a restricted incident needs you.</summary>
    public bool RestrictedTitles { get; set; }

    public bool Takes(Notification n) =>
        (Notifications.Count == 0 || Notifications.Contains(n.Kind, StringComparer.OrdinalIgnoreCase)) && (n.Severity ?? Severity.Critical) >= MinSeverity;
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>none, starttls (when offered: the default) or tls (implicit, port 465).</summary>
    public string Security { get; set; } = "starttls";
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "incidents@localhost";
}

/// <summary>
/// One notification to one channel; a durable message, so a failing channel is retried and nothing is lost.
/// <see cref="DeliveryId"/> is the same on every retry: the idempotency key of webhooks, the Message-Id of email.
/// </summary>
public sealed record DeliverNotification(string Channel, Notification Notification, Guid DeliveryId = default);

/// <summary>A task or approval a channel paged about was acknowledged or settled: PagerDuty acknowledges or resolves it.</summary>
public sealed record WorkChanged(Guid IncidentId, Guid WorkId, string Status);

public static class WorkStatuses
{
    public const string Acknowledged = "acknowledged", Settled = "settled";
}

public static class DeliverNotificationHandler
{
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    public static async Task Handle(DeliverNotification delivery, NotificationOptions options, IHttpClientFactory clients, EmailSender email,
        Marten.IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (options.Channels.TryGetValue(delivery.Channel, out var channel))
        {
            await Channels.ChannelDelivery.SendAsync(delivery, channel, options, clients, email, session, clock, ct);
            return;
        }
        if (!options.Webhooks.TryGetValue(delivery.Channel, out var webhook)) return;
        var n = delivery.Notification;
        var body = webhook.Format == "slack"
            ? JsonSerializer.Serialize(new { text = $"*[{n.Kind}]* {n.Title}\n{n.Link}" })
            : JsonSerializer.Serialize(n, Json);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(PostWebhook.SignatureHeader, $"t={timestamp},v1={PostWebhook.Sign(webhook.Secret, timestamp, body)}");
        using var response = await clients.CreateClient(nameof(PostWebhook)).SendAsync(request, ct);
        response.EnsureSuccessStatusCode(); // a failure is retried by the handler's policy
    }

    /// <summary>PagerDuty channels that paged about the work acknowledge or resolve it; other channels have nothing to update.</summary>
    public static Wolverine.OutgoingMessages Handle(WorkChanged change, NotificationOptions options, TimeProvider clock) =>
        new(options.Channels.Where(c => c.Value.Kind == NotificationChannel.PagerDuty)
            .Select(c => new DeliverNotification(c.Key, new Notification(change.IncidentId, change.Status, "", "", [], clock.GetUtcNow())
            {
                WorkId = change.WorkId,
            }, Guid.CreateVersion7())));
}
