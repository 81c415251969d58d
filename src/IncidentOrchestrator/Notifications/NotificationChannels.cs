using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Actions.Webhooks;
using IncidentOrchestrator.Hosting;

namespace IncidentOrchestrator.Notifications;

/// <summary>Configuration <c>Notifications__Webhooks__&lt;name&gt;__Url|Secret|Format</c>: where notifications are also posted.</summary>
public sealed class NotificationOptions
{
    public Dictionary<string, NotificationWebhook> Webhooks { get; set; } = new(StringComparer.Ordinal);
}

public sealed class NotificationWebhook
{
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";

    /// <summary><c>json</c> (the notification as it is) or <c>slack</c> (an incoming-webhook payload with <c>text</c>).</summary>
    public string Format { get; set; } = "json";
}

/// <summary>One notification to one channel; a durable message, so a failing channel is retried and nothing is lost.</summary>
public sealed record DeliverNotification(string Channel, Notification Notification);

public static class DeliverNotificationHandler
{
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    public static async Task Handle(DeliverNotification delivery, NotificationOptions options, IHttpClientFactory clients, TimeProvider clock,
        CancellationToken ct)
    {
        if (!options.Webhooks.TryGetValue(delivery.Channel, out var channel)) return;
        var n = delivery.Notification;
        var body = channel.Format == "slack"
            ? JsonSerializer.Serialize(new { text = $"*[{n.Kind}]* {n.Title}\n{n.Link}" })
            : JsonSerializer.Serialize(n, Json);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(PostWebhook.SignatureHeader, $"t={timestamp},v1={PostWebhook.Sign(channel.Secret, timestamp, body)}");
        using var response = await clients.CreateClient(nameof(PostWebhook)).SendAsync(request, ct);
        response.EnsureSuccessStatusCode(); // a failure is retried by the handler's policy
    }
}
