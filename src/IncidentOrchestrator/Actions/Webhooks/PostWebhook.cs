using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks.Actions;

namespace IncidentOrchestrator.Actions.Webhooks;

/// <summary>
/// <c>webhook.post</c>: POSTs the rendered body as JSON to a configured endpoint. The request carries
/// <c>Idempotency-Key</c> (the same on every attempt and redelivery of the step, so the receiver can
/// act once) and <c>X-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>.
/// A response outside 2xx fails the attempt, so the step's retry policy applies.
/// </summary>
public sealed class PostWebhook(WebhookOptions options, IHttpClientFactory clients) : IAction
{
    public const string SignatureHeader = "X-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("webhook.post")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var name = context.Text("endpoint");
        if (!options.Endpoints.TryGetValue(name, out var endpoint) || string.IsNullOrWhiteSpace(endpoint.Url))
            throw new ActionFailedException($"no webhook endpoint named '{name}' is configured (Webhooks__Endpoints__{name}__Url)");

        var body = JsonSerializer.Serialize(context.Parameters.GetValueOrDefault("body"), Json);
        var timestamp = context.Now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(IdempotencyHeader, context.IdempotencyKey);
        request.Headers.Add(SignatureHeader, $"t={timestamp},v1={Sign(endpoint.Secret, timestamp, body)}");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("IncidentOrchestrator", "1"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(endpoint.TimeoutSeconds));
        using var response = await clients.CreateClient(nameof(PostWebhook)).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new ActionFailedException($"{name} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        return new ActionResult(new Dictionary<string, object?> { ["status"] = (int)response.StatusCode });
    }

    public static string Sign(string secret, long timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
