using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace IncidentOrchestrator.FollowUps.Trackers;

/// <summary>
/// GitHub Issues' REST API (api.github.com, or a GitHub Enterprise Server's <c>/api/v3</c>): an issue is created with a label that names the follow-up, and
/// found again by that label (listing is consistent; search is not).
/// </summary>
public sealed class GitHubIssues(HttpClient http, TrackerOptions options) : ITrackerClient
{
    public async Task<TrackerIssue?> FindAsync(string label, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, $"repos/{options.Repository}/issues?labels={Uri.EscapeDataString(label)}&state=all&per_page=1");
        return TrackerAnswer.Read("GitHub", await SendAsync(request, ct), issues => issues.ValueKind != JsonValueKind.Array
            ? throw new TrackerException($"GitHub answered a search with what is not a list: {TrackerText.Short(issues.GetRawText())}") // no list is no answer
            : issues.GetArrayLength() > 0 ? Issue(issues[0]) : null);
    }

    public async Task<TrackerIssue> CreateAsync(IssueDraft draft, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, $"repos/{options.Repository}/issues");
        request.Content = JsonContent.Create(new { title = draft.Title, body = draft.Body, labels = new[] { draft.Label, "incident-follow-up" } });
        return TrackerAnswer.Read("GitHub", await SendAsync(request, ct), created =>
        {
            // GitHub drops labels the token may not set (no push access) without a word; without its label no retry could find the issue again.
            if (!created.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Array
                || !labels.EnumerateArray().Any(l => l.ValueKind == JsonValueKind.Object && l.TryGetProperty("name", out var n) && n.GetString() == draft.Label))
                throw new TrackerException($"GitHub made an issue in {options.Repository} ({(created.TryGetProperty("number", out var number) ? $"#{number}" : "its number not given")}) " +
                    $"without its label {draft.Label}: the token needs push access to label issues", final: true);
            return Issue(created);
        });
    }

    private TrackerIssue Issue(JsonElement issue) => new($"{options.Repository}#{Number(issue)}",
        issue.GetProperty("html_url").GetString() is { Length: > 0 } url ? url : throw new TrackerException($"GitHub answered with an issue without its address: {TrackerText.Short(issue.GetRawText())}"));

    private static int Number(JsonElement issue) => issue.GetProperty("number").GetInt32();

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(options.Url.TrimEnd('/') + "/"), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("IncidentOrchestrator", "1"));
        return request;
    }

    private Task<string> SendAsync(HttpRequestMessage request, CancellationToken ct) => TrackerHttp.SendAsync(http, request, "GitHub", ct);
}
