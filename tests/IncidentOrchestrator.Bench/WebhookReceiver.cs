using System.Net;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// The local endpoint the service's <c>bench</c> webhook posts to: it answers 200 and counts. It listens from the bench's
/// start, so nothing else takes the port ops/bench chose for it in the meantime.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _receiving;
    private long _received;

    public WebhookReceiver(int port)
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _receiving = Task.Run(ReceiveAsync);
    }

    public long Received => Interlocked.Read(ref _received);

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            Interlocked.Increment(ref _received);
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _receiving;
        _listener.Close();
    }
}
