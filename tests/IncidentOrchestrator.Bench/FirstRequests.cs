using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// A cold start: the seconds from the service's start until it says it is ready, then the first requests after that (a
/// signal no playbook matches, and another; the incident list, and again), as a client sees them.
/// </summary>
public static class FirstRequests
{
    public sealed record Outcome(double ReadySeconds, double FirstSignalMs, double SecondSignalMs, double FirstListMs, double SecondListMs);

    public static async Task<Outcome> RunAsync(Uri url, DateTimeOffset startedAt, int servicePid, string ingestToken, string readerToken,
        CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        while (true)
        {
            if (Process.GetProcesses().All(p => p.Id != servicePid)) throw new InvalidOperationException("the service stopped before it was ready");
            try
            {
                using var ready = await http.GetAsync("/health/ready", ct);
                if (ready.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTimeOffset.UtcNow - startedAt > TimeSpan.FromMinutes(2)) throw new TimeoutException("the service was not ready within 2 minutes");
            await Task.Delay(50, ct);
        }
        var readySeconds = Math.Round((DateTimeOffset.UtcNow - startedAt).TotalSeconds, 1);

        async Task<double> TimedAsync(HttpMethod method, string path, string token, object? body)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var clock = Stopwatch.StartNew();
            using var response = await http.SendAsync(request, ct);
            await response.Content.ReadAsByteArrayAsync(ct);
            response.EnsureSuccessStatusCode();
            return Math.Round(clock.Elapsed.TotalMilliseconds, 1);
        }

        object Signal(int n) => new { source = "bench", type = "bench.first", severity = "low", fingerprint = $"bench:first:{n}", title = "first request" };
        var firstSignal = await TimedAsync(HttpMethod.Post, "/api/signals", ingestToken, Signal(1));
        var secondSignal = await TimedAsync(HttpMethod.Post, "/api/signals", ingestToken, Signal(2));
        var firstList = await TimedAsync(HttpMethod.Get, "/api/incidents?limit=50", readerToken, null);
        var secondList = await TimedAsync(HttpMethod.Get, "/api/incidents?limit=50", readerToken, null);
        return new Outcome(readySeconds, firstSignal, secondSignal, firstList, secondList);
    }
}
