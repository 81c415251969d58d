using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace IncidentOrchestrator.FollowUps.Trackers;

/// <summary>
/// Jira Cloud's REST API v3: an issue of the project is created with a label that names the follow-up (its description in the Atlassian Document Format),
/// and found again by a JQL search on that label.
/// </summary>
public sealed class JiraIssues(HttpClient http, TrackerOptions options) : ITrackerClient
{
    public async Task<TrackerIssue?> FindAsync(string label, CancellationToken ct)
    {
        var jql = $"project = \"{options.Project}\" AND labels = \"{label}\"";
        using var request = Request(HttpMethod.Get, $"rest/api/3/search/jql?jql={Uri.EscapeDataString(jql)}&fields=summary&maxResults=1");
        return TrackerAnswer.Read("Jira", await SendAsync(request, ct),
            found => found.GetProperty("issues").GetArrayLength() > 0 ? Issue(Key(found.GetProperty("issues")[0])) : null); // no list is no answer
    }

    public async Task<TrackerIssue> CreateAsync(IssueDraft draft, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, "rest/api/3/issue");
        request.Content = JsonContent.Create(new
        {
            fields = new
            {
                project = new { key = options.Project },
                summary = draft.Title,
                issuetype = new { name = options.IssueType },
                labels = new[] { draft.Label, "incident-follow-up" },
                description = new
                {
                    type = "doc", version = 1,
                    content = draft.Body.Split("\n\n").Where(p => p.Trim().Length > 0).Select(paragraph => new
                    {
                        type = "paragraph", content = new[] { new { type = "text", text = paragraph } },
                    }),
                },
            },
        });
        return TrackerAnswer.Read("Jira", await SendAsync(request, ct), created => Issue(Key(created)));
    }

    private TrackerIssue Issue(string key) => new(key, $"{options.Url.TrimEnd('/')}/browse/{key}");

    private static string Key(JsonElement issue) => issue.GetProperty("key").GetString() is { } key && !string.IsNullOrWhiteSpace(key)
        ? key
        : throw new TrackerException($"Jira answered with an issue without its key: {TrackerText.Short(issue.GetRawText())}");

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(options.Url.TrimEnd('/') + "/"), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.User}:{options.Token}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private Task<string> SendAsync(HttpRequestMessage request, CancellationToken ct) => TrackerHttp.SendAsync(http, request, "Jira", ct);
}

