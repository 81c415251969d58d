using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// A candidate version of the run benchmark's playbook (its severity step only for incidents not already critical, and
/// a new last step) replayed over the recorded runs the run load left: the time of one replay request of up to 1,000 runs.
/// </summary>
public static class ReplayLoad
{
    public sealed record Settings(Uri Url, string Token, string PlaybookFile, int Runs, int Samples);

    public sealed record Outcome(int Runs, int Samples, double P50Seconds, double MaxSeconds, int RunsWithTheNewStep, bool Verified);

    public static async Task<Outcome> RunAsync(Settings s, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = s.Url, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", s.Token);
        var candidate = (await File.ReadAllTextAsync(s.PlaybookFile, ct))
            .Replace("    action: incident.set-severity", "    when: incident.severity != 'critical'\n    action: incident.set-severity")
            + "  - id: closing-note\n    needs: [notify]\n    action: incident.add-note\n    with: { note: \"replayed {{ inputs.key }}\" }\n";

        var times = new List<double>();
        JsonElement answer = default;
        for (var i = 0; i < s.Samples; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.PostAsJsonAsync("/api/playbooks/replay", new { text = candidate, limit = s.Runs }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"replay: {(int)response.StatusCode} {body}");
            times.Add(clock.Elapsed.TotalSeconds);
            answer = JsonDocument.Parse(body).RootElement.Clone();
        }
        var runs = answer.GetProperty("runs").EnumerateArray().ToList();
        var withNewStep = runs.Count(r => r.GetProperty("differences").EnumerateArray()
            .Any(d => d.GetProperty("kind").GetString() == "new" && d.GetProperty("step").GetString() == "closing-note"));
        times.Sort();
        return new Outcome(runs.Count, s.Samples, times[times.Count / 2], times[^1], withNewStep, runs.Count == s.Runs && withNewStep == runs.Count);
    }
}
