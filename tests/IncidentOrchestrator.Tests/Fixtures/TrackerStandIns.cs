using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// Local stand-ins for GitHub Issues (<c>{Url}/github</c>) and Jira Cloud (<c>{Url}/jira</c>): each request is checked against the shape the vendor
/// documents (GitHub REST "Create an issue" and "List repository issues"; Jira REST v3 "Create issue" and "Search for issues using JQL"), and what
/// does not fit is answered as the vendor would and kept in <see cref="Violations"/>. Issues are kept in memory.
/// </summary>
public sealed partial class TrackerStandIns : IAsyncDisposable
{
    public const string Repository = "acme/privacy", GitHubToken = "ghp_stand-in-token", GitHubSecret = "github-webhook-secret";
    public const string Project = "PRIV", JiraUser = "bot@acme.test", JiraToken = "jira-stand-in-token", JiraSecret = "jira-webhook-secret";

    public sealed record Issue(string Key, string Title, string Body, IReadOnlyList<string> Labels);

    private readonly WebApplication _app;
    private int _number;

    public ConcurrentQueue<Issue> GitHubIssues { get; } = new();
    public ConcurrentQueue<Issue> JiraIssues { get; } = new();
    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>How many creations to carry out and then answer 502, as a gateway that lost the answer would.</summary>
    public int LoseNextAnswers;

    /// <summary>How many creations to carry out and then answer with a page that is no issue, as a proxy in front of the tracker might (a 2xx).</summary>
    public int GarbleNextAnswers;

    /// <summary>How many searches for an issue to answer with a success that is no search's answer, as a gateway might.</summary>
    public int GarbleNextSearches;

    /// <summary>How many GitHub requests to answer 401, as GitHub does a revoked token.</summary>
    public int RevokedTokenFor;

    public string Url { get; private set; } = "";

    private TrackerStandIns(WebApplication app) => _app = app;

    public static async Task<TrackerStandIns> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var standIns = new TrackerStandIns(app);
        app.MapPost("/github/repos/{owner}/{repo}/issues", (string owner, string repo, HttpContext context) => standIns.CreateGitHubAsync($"{owner}/{repo}", context));
        app.MapGet("/github/repos/{owner}/{repo}/issues", (string owner, string repo, HttpContext context) => standIns.ListGitHub($"{owner}/{repo}", context));
        app.MapPost("/jira/rest/api/3/issue", (Func<HttpContext, Task<IResult>>)(context => standIns.CreateJiraAsync(context)));
        app.MapGet("/jira/rest/api/3/search/jql", (HttpContext context) => standIns.SearchJira(context));
        await app.StartAsync();
        standIns.Url = app.Urls.First();
        return standIns;
    }

    private IResult? GitHubHeaders(HttpContext context)
    {
        if (Interlocked.Decrement(ref RevokedTokenFor) >= 0) return Results.Json(new { message = "Bad credentials" }, statusCode: 401);
        Interlocked.Increment(ref RevokedTokenFor); // none to refuse: it stays at 0
        var h = context.Request.Headers;
        if (h.Authorization.ToString() is not ($"Bearer {GitHubToken}" or $"token {GitHubToken}"))
            return Violation("GitHub: Authorization is not the token", 401, new { message = "Bad credentials" });
        if (string.IsNullOrEmpty(h.UserAgent)) return Violation("GitHub: no User-Agent", 403, new { message = "Request forbidden by administrative rules." });
        if (!h.Accept.ToString().Contains("application/vnd.github+json")) Violations.Enqueue("GitHub: Accept is not application/vnd.github+json");
        if (h["X-GitHub-Api-Version"] != "2022-11-28") return Violation("GitHub: X-GitHub-Api-Version is not 2022-11-28", 400, new { message = "Unsupported API version" });
        return null;
    }

    private async Task<IResult> CreateGitHubAsync(string repository, HttpContext context)
    {
        if (GitHubHeaders(context) is { } refused) return refused;
        if (repository != Repository) return Violation($"GitHub: no repository {repository}", 404, new { message = "Not Found" });
        var body = await JsonDocument.ParseAsync(context.Request.Body);
        var root = body.RootElement;
        var allowed = new[] { "title", "body", "assignee", "milestone", "labels", "assignees", "type" };
        foreach (var property in root.EnumerateObject().Where(p => !allowed.Contains(p.Name))) Violations.Enqueue($"GitHub: unknown field {property.Name}");
        if (!root.TryGetProperty("title", out var title) || title.ValueKind != JsonValueKind.String || title.GetString()!.Length == 0)
            return Violation("GitHub: no title", 422, new { message = "Validation Failed", errors = new[] { new { resource = "Issue", field = "title", code = "missing_field" } } });
        var labels = root.TryGetProperty("labels", out var l) ? l.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        var number = Interlocked.Increment(ref _number);
        var issue = new Issue($"{repository}#{number}", title.GetString()!, root.TryGetProperty("body", out var b) ? b.GetString() ?? "" : "", labels);
        GitHubIssues.Enqueue(issue);
        if (Interlocked.Decrement(ref LoseNextAnswers) >= 0) return LostAnswer();
        Interlocked.Increment(ref LoseNextAnswers); // none to lose: it stays at 0
        if (Garbled() is { } garbled) return garbled;
        return Results.Json(GitHubJson(issue, number), statusCode: 201);
    }

    /// <summary>A gateway's page for an answer it lost, in a charset the runtime does not decode without a provider.</summary>
    private static IResult LostAnswer() => new RawAnswer(502, "text/html; charset=windows-1252", "<html>Bad Gateway</html>"u8.ToArray());

    private sealed class RawAnswer(int status, string contentType, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            return context.Response.Body.WriteAsync(body).AsTask();
        }
    }

    private IResult? Garbled()
    {
        if (Interlocked.Decrement(ref GarbleNextAnswers) >= 0) return Results.Content("<html><body>Welcome to the corporate proxy</body></html>", "text/html", statusCode: 201);
        Interlocked.Increment(ref GarbleNextAnswers); // none to garble: it stays at 0
        return null;
    }

    private IResult? GarbledSearch()
    {
        if (Interlocked.Decrement(ref GarbleNextSearches) >= 0) return Results.Json(new { status = "ok" });
        Interlocked.Increment(ref GarbleNextSearches);
        return null;
    }

    private IResult ListGitHub(string repository, HttpContext context)
    {
        if (GitHubHeaders(context) is { } refused) return refused;
        if (GarbledSearch() is { } garbled) return garbled;
        var labels = context.Request.Query["labels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        var found = GitHubIssues.Where(i => i.Key.StartsWith(repository + "#") && labels.All(i.Labels.Contains))
            .Select(i => GitHubJson(i, int.Parse(i.Key[(i.Key.IndexOf('#') + 1)..])));
        return Results.Json(found.ToList());
    }

    private object GitHubJson(Issue issue, int number) => new
    {
        number, title = issue.Title, body = issue.Body, state = "open", labels = issue.Labels.Select(name => new { name }),
        html_url = $"https://github.example/{issue.Key.Replace("#", "/issues/")}",
    };

    private IResult? JiraHeaders(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{JiraUser}:{JiraToken}"));
        if (context.Request.Headers.Authorization != expected) return Violation("Jira: Authorization is not basic email:token", 401, new { errorMessages = new[] { "Unauthorized" } });
        return null;
    }

    private async Task<IResult> CreateJiraAsync(HttpContext context)
    {
        if (JiraHeaders(context) is { } refused) return refused;
        if (context.Request.ContentType?.StartsWith("application/json") != true) return Violation("Jira: Content-Type is not application/json", 415, new { });
        var root = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement;
        var errors = new Dictionary<string, string>();
        if (!root.TryGetProperty("fields", out var fields)) return Violation("Jira: no fields", 400, new { errorMessages = new[] { "No fields" } });
        if (!fields.TryGetProperty("project", out var project) || !project.TryGetProperty("key", out var key) || key.GetString() != Project)
            errors["project"] = "project is required";
        if (!fields.TryGetProperty("summary", out var summary) || summary.GetString() is not { Length: > 0 and <= 255 } text || text.Contains('\n'))
            errors["summary"] = "You must specify a summary of the issue.";
        if (!fields.TryGetProperty("issuetype", out var type) || !(type.TryGetProperty("name", out _) || type.TryGetProperty("id", out _)))
            errors["issuetype"] = "Specify an issue type";
        if (fields.TryGetProperty("description", out var description)
            && !(description.TryGetProperty("type", out var doc) && doc.GetString() == "doc" && description.TryGetProperty("version", out var v) && v.GetInt32() == 1
                 && description.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array))
            errors["description"] = "Operation value must be an Atlassian Document (see the Atlassian Document Format).";
        var labels = fields.TryGetProperty("labels", out var l) ? l.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        if (labels.Any(x => x.Contains(' '))) errors["labels"] = "The label must not contain spaces.";
        if (errors.Count > 0) return Violation($"Jira: {string.Join("; ", errors.Values)}", 400, new { errorMessages = Array.Empty<string>(), errors });
        var number = Interlocked.Increment(ref _number);
        var issue = new Issue($"{Project}-{number}", summary.GetString()!, description.ValueKind == JsonValueKind.Object ? description.GetRawText() : "", labels);
        JiraIssues.Enqueue(issue);
        if (Interlocked.Decrement(ref LoseNextAnswers) >= 0) return LostAnswer();
        Interlocked.Increment(ref LoseNextAnswers); // none to lose: it stays at 0
        if (Garbled() is { } garbled) return garbled;
        return Results.Json(new { id = number.ToString(), key = issue.Key, self = $"{Url}/jira/rest/api/3/issue/{number}" }, statusCode: 201);
    }

    private IResult SearchJira(HttpContext context)
    {
        if (JiraHeaders(context) is { } refused) return refused;
        if (GarbledSearch() is { } garbled) return garbled;
        var jql = context.Request.Query["jql"].ToString();
        if (LabelIs().Match(jql) is not { Success: true } match || !jql.Contains($"project = \"{Project}\""))
            return Violation($"Jira: a JQL the stand-in does not read: {jql}", 400, new { errorMessages = new[] { "Error in the JQL Query" } });
        var found = JiraIssues.Where(i => i.Labels.Contains(match.Groups[1].Value)).Select(i => new { id = i.Key, key = i.Key, fields = new { summary = i.Title } });
        return Results.Json(new { issues = found.ToList(), isLast = true });
    }

    private IResult Violation(string what, int status, object answer)
    {
        Violations.Enqueue(what);
        return Results.Json(answer, statusCode: status);
    }

    [GeneratedRegex("labels = \"([^\"]+)\"")]
    private static partial Regex LabelIs();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
