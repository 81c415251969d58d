using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>A real HTTP receiver on loopback that records every webhook and can refuse the first few for a marker.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string Secret = "receiver-shared-secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _refusals = new();
    private readonly ConcurrentDictionary<string, Hold> _holds = new();

    /// <summary>A delivery kept waiting: the sender is mid-action until it is released (or dies meanwhile).</summary>
    public sealed class Hold
    {
        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Taken;
    }

    public sealed record Received(string? IdempotencyKey, string? Signature, string Body, int Status, string Path = "/hook")
    {
        public DateTimeOffset At { get; } = DateTimeOffset.UtcNow;
    }

    /// <summary>How long each delivery to /hook takes to answer: a slow receiver keeps the senders' actions in flight.</summary>
    public TimeSpan Delay { get; set; }

    public ConcurrentQueue<Received> Requests { get; } = new();
    public string Url { get; private set; } = "";

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/notify", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            receiver.Requests.Enqueue(new Received(null, context.Request.Headers["X-Signature"], body, 200, "/notify"));
        });
        // Stand-ins for Slack, Teams, PagerDuty and chat webhooks: /channels/{name}, refusing the first few for a marker too.
        app.MapPost("/channels/{name}", async (string name, HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var path = $"/channels/{name}|";
            var refuse = receiver._refusals.FirstOrDefault(r => r.Key.StartsWith(path, StringComparison.Ordinal) && body.Contains(r.Key[path.Length..]) && r.Value > 0);
            var status = refuse.Key is not null && receiver._refusals.AddOrUpdate(refuse.Key, 0, (_, n) => n - 1) >= 0 ? 500 : name == "pagerduty" ? 202 : 200;
            receiver.Requests.Enqueue(new Received(context.Request.Headers["Idempotency-Key"], context.Request.Headers["X-Signature"], body, status,
                $"/channels/{name}"));
            context.Response.StatusCode = status;
        });
        app.MapPost("/hook", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var refuse = receiver._refusals.FirstOrDefault(r => body.Contains(r.Key) && r.Value > 0);
            var status = refuse.Key is not null && receiver._refusals.AddOrUpdate(refuse.Key, 0, (_, n) => n - 1) >= 0 ? 500 : 200;
            receiver.Requests.Enqueue(new Received(context.Request.Headers["Idempotency-Key"], context.Request.Headers["X-Signature"], body, status));
            if (receiver.Delay > TimeSpan.Zero) await Task.Delay(receiver.Delay);
            if (receiver._holds.FirstOrDefault(h => body.Contains(h.Key)).Value is { } hold && Interlocked.Exchange(ref hold.Taken, 1) == 0)
            {
                hold.Arrived.TrySetResult();
                await hold.Released.Task;
            }
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        receiver.Url = app.Urls.First() + "/hook";
        return receiver;
    }

    public void RefuseFirst(string marker, int times) => _refusals[marker] = times;

    /// <summary>Refuses the first deliveries to one channel stand-in (<c>/channels/{name}</c>) whose body holds the marker.</summary>
    public void RefuseFirst(string channel, string marker, int times) => _refusals[$"/channels/{channel}|{marker}"] = times;

    /// <summary>Keeps the first delivery whose body holds <paramref name="marker"/> waiting until <see cref="Hold.Released"/> is set.</summary>
    public Hold HoldFirst(string marker) => _holds[marker] = new Hold();

    /// <summary>Where the channel stand-ins listen: <c>{Base}/channels/{name}</c>.</summary>
    public string Base => Url[..^"/hook".Length];

    public IReadOnlyList<Received> For(string marker, string path = "/hook") =>
        Requests.Where(r => r.Path == path && r.Body.Contains(marker)).ToList();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
