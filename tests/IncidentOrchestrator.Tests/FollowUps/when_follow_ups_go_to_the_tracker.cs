using System.Text;
using System.Text.Json;
using IncidentOrchestrator.FollowUps.Trackers;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;
using Wolverine.Tracking;

namespace IncidentOrchestrator.Tests.FollowUps;

/// <summary>
/// Follow-ups exported to GitHub Issues and Jira (their stand-ins check each request against the vendor's documented shape): one issue per follow-up
/// however often the export is tried, and the trackers' signed webhooks move the follow-up to done and back; a forged one changes nothing.
/// </summary>
public sealed class when_follow_ups_go_to_the_tracker(RunsFixture fixture) : RunContext(fixture)
{
    private TrackerStandIns Trackers => Fixture.Trackers;

    private async Task<(Guid Incident, string FollowUp)> FollowUpAsync(bool restricted = false, string title = "Give hr.employee_activity an owner")
    {
        var incident = await Host.DeclareIncident($"Tracked {Key}", "critical", restricted);
        var id = (await Host.Post($"/api/incidents/{incident}/followups", new { title, description = "Name one person.", tags = new[] { "safeguard" } },
            expect: 201)).ReadJson().GetProperty("followUpId").GetString()!;
        return (incident, id);
    }

    private Task<JsonElement> LinkedAsync(string followUp, string tracker) => RunScenarios.Eventually(
        async () => (await Host.Get($"/api/followups/{followUp}")).ReadJson(),
        f => f.GetProperty("links").EnumerateArray().Any(l => l.GetProperty("tracker").GetString() == tracker));

    private static IEnumerable<TrackerStandIns.Issue> For(IEnumerable<TrackerStandIns.Issue> issues, string followUp) =>
        issues.Where(i => i.Labels.Contains($"followup-{Guid.Parse(followUp):N}"));

    [Theory]
    [InlineData("github")]
    [InlineData("jira")]
    public async Task one_issue_is_made_however_often_the_export_is_tried(string tracker)
    {
        var (incident, followUp) = await FollowUpAsync();
        Interlocked.Exchange(ref Trackers.LoseNextAnswers, 1); // the issue is made, but its answer is lost on the way back
        await Host.Post($"/api/followups/{followUp}/export", new { tracker }, expect: 202);

        var failed = await RunScenarios.Eventually(() => Host.Timeline(incident), t => t.Any(e => e.Type == "FollowUpExportFailed"));
        Assert.Contains("502", failed.Single(e => e.Type == "FollowUpExportFailed").Summary);
        // Its retry is a timer a minute away: delivered now, and once more as a redelivery would.
        var retry = new ExportFollowUp(incident, Guid.Parse(followUp), tracker, 2);
        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(retry);
        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(retry);
        await Host.Post($"/api/followups/{followUp}/export", new { tracker }, expect: 202); // asked again: already there

        var link = (await LinkedAsync(followUp, tracker)).GetProperty("links").EnumerateArray().Single();
        var issues = For(tracker == "github" ? Trackers.GitHubIssues : Trackers.JiraIssues, followUp).ToList();
        var issue = Assert.Single(issues);
        Assert.Equal(issue.Key, link.GetProperty("key").GetString());
        Assert.Equal("Give hr.employee_activity an owner", issue.Title);
        Assert.Contains("Name one person.", issue.Body);
        Assert.Contains("incident-follow-up", issue.Labels);
        Assert.Empty(Trackers.Violations);
        Assert.Single(await Host.Timeline(incident), e => e.Type == "FollowUpExported");
        Assert.Contains($"[{issue.Key}](<{link.GetProperty("url").GetString()}>)", (await Host.Get($"/api/incidents/{incident}/report")).ReadAsText());
    }

    [Theory]
    [InlineData("github")]
    [InlineData("jira")]
    public async Task an_answer_that_is_no_issue_is_tried_again_and_still_makes_one_issue(string tracker)
    {
        var (incident, followUp) = await FollowUpAsync();
        Interlocked.Exchange(ref Trackers.GarbleNextAnswers, 1); // the issue is made, and a proxy's page comes back in its place
        await Host.Post($"/api/followups/{followUp}/export", new { tracker }, expect: 202);

        var failed = await RunScenarios.Eventually(() => Host.Timeline(incident), t => t.Any(e => e.Type == "FollowUpExportFailed"));
        Assert.Contains("could not be read", failed.Single(e => e.Type == "FollowUpExportFailed").Summary);
        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(new ExportFollowUp(incident, Guid.Parse(followUp), tracker, 2));

        var link = (await LinkedAsync(followUp, tracker)).GetProperty("links").EnumerateArray().Single();
        var issue = Assert.Single(For(tracker == "github" ? Trackers.GitHubIssues : Trackers.JiraIssues, followUp));
        Assert.Equal(issue.Key, link.GetProperty("key").GetString());
    }

    [Theory]
    [InlineData("github")]
    [InlineData("jira")]
    public async Task a_search_answered_with_no_list_is_no_answer_and_makes_no_second_issue(string tracker)
    {
        var (incident, followUp) = await FollowUpAsync();
        Interlocked.Exchange(ref Trackers.LoseNextAnswers, 1); // the issue is made and its answer lost
        await Host.Post($"/api/followups/{followUp}/export", new { tracker }, expect: 202);
        await RunScenarios.Eventually(() => Host.Timeline(incident), t => t.Any(e => e.Type == "FollowUpExportFailed"));

        Interlocked.Exchange(ref Trackers.GarbleNextSearches, 1); // the retry's search for it is answered with no list
        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(new ExportFollowUp(incident, Guid.Parse(followUp), tracker, 2));
        var failures = (await Host.Timeline(incident)).Where(e => e.Type == "FollowUpExportFailed").ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains("attempt 2", failures[1].Summary);
        Assert.Single(For(tracker == "github" ? Trackers.GitHubIssues : Trackers.JiraIssues, followUp)); // not taken for "none yet"

        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(new ExportFollowUp(incident, Guid.Parse(followUp), tracker, 3));
        var link = (await LinkedAsync(followUp, tracker)).GetProperty("links").EnumerateArray().Single();
        Assert.Equal(Assert.Single(For(tracker == "github" ? Trackers.GitHubIssues : Trackers.JiraIssues, followUp)).Key, link.GetProperty("key").GetString());
    }

    [Fact]
    public async Task a_restricted_incidents_follow_up_goes_out_without_its_title_unless_the_tracker_shows_titles()
    {
        var (_, followUp) = await FollowUpAsync(restricted: true, title: $"Audit every reader of the leaked table {Key}");
        await Host.Post($"/api/followups/{followUp}/export", new { tracker = "github" }, expect: 202);
        await Host.Post($"/api/followups/{followUp}/export", new { tracker = "jira" }, expect: 202); // configured RestrictedTitles
        await LinkedAsync(followUp, "github");
        await LinkedAsync(followUp, "jira");

        var github = Assert.Single(For(Trackers.GitHubIssues, followUp));
        Assert.Equal(ExportFollowUpHandler.RestrictedTitle, github.Title);
        Assert.DoesNotContain(Key, github.Body);
        Assert.DoesNotContain("Name one person", github.Body);
        var jira = Assert.Single(For(Trackers.JiraIssues, followUp));
        Assert.Equal($"Audit every reader of the leaked table {Key}", jira.Title); // that tracker shows titles, and only them
        Assert.DoesNotContain("Name one person", jira.Body);
        Assert.DoesNotContain("safeguard", jira.Body);
    }

    [Fact]
    public async Task asked_twice_it_is_exported_once_and_a_refused_token_ends_the_export_until_asked_again()
    {
        var (incident, followUp) = await FollowUpAsync();
        Interlocked.Exchange(ref Trackers.RevokedTokenFor, 1);
        await Host.Post($"/api/followups/{followUp}/export", new { tracker = "GitHub" }, expect: 202); // names read as configured, in any case
        await Host.Post($"/api/followups/{followUp}/export", new { tracker = "github" }, expect: 202);
        var abandoned = await RunScenarios.Eventually(() => Host.Timeline(incident), t => t.Any(e => e.Type == "FollowUpExportAbandoned"));
        Assert.Single(abandoned, e => e.Type == "FollowUpExportRequested");
        Assert.Contains("401", abandoned.Single(e => e.Type == "FollowUpExportAbandoned").Summary);
        Assert.DoesNotContain(abandoned, e => e.Type == "FollowUpExportFailed"); // not tried again: no attempt could do better

        await Host.Post($"/api/followups/{followUp}/export", new { tracker = "github" }, expect: 202); // the token fixed, asked again
        await LinkedAsync(followUp, "github");
        Assert.Single(For(Trackers.GitHubIssues, followUp));
    }

    [Fact]
    public async Task an_unknown_tracker_or_someone_elses_follow_up_is_refused()
    {
        var (_, followUp) = await FollowUpAsync();
        var unknown = (await Host.Post($"/api/followups/{followUp}/export", new { tracker = "linear" }, expect: 400)).Read<ProblemView>();
        Assert.Contains("configured: github, jira", unknown.Errors!["tracker"][0]);
        await Host.Post($"/api/followups/{followUp}/export", new { tracker = "github" }, Api.Responder, expect: 403);
        await Host.Post($"/api/followups/{followUp}/export", new { }, expect: 400);
        Assert.Empty(For(Trackers.GitHubIssues, followUp));
    }

    private async Task<Alba.IScenarioResult> WebhookAsync(string tracker, string body, string? signature = null, string? delivery = null,
        string githubEvent = "issues", int expect = 200)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var secret = tracker == "github" ? TrackerStandIns.GitHubSecret : TrackerStandIns.JiraSecret;
        return await Host.Scenario(x =>
        {
            x.Post.ByteArray(bytes).ToUrl($"/api/trackers/{tracker}/webhook");
            x.WithRequestHeader("Content-Type", "application/json");
            x.WithRequestHeader(tracker == "github" ? "X-Hub-Signature-256" : "X-Hub-Signature", signature ?? TrackerWebhookEndpoint.Sign(secret, bytes));
            if (tracker == "github") x.WithRequestHeader("X-GitHub-Event", githubEvent);
            if (delivery is not null) x.WithRequestHeader(tracker == "github" ? "X-GitHub-Delivery" : "X-Atlassian-Webhook-Identifier", delivery);
            x.StatusCodeShouldBe(expect);
        });
    }

    private async Task<string> StatusAsync(string followUp) => (await Host.Get($"/api/followups/{followUp}")).ReadJson().GetProperty("status").GetString()!;

    [Fact]
    public async Task githubs_signed_webhook_closes_and_reopens_the_follow_up_and_a_forged_one_changes_nothing()
    {
        var (incident, followUp) = await FollowUpAsync();
        await Host.Post($"/api/followups/{followUp}/export", new { tracker = "github" }, expect: 202);
        var key = (await LinkedAsync(followUp, "github")).GetProperty("links")[0].GetProperty("key").GetString()!;
        var number = int.Parse(key[(key.IndexOf('#') + 1)..]);
        string Event(string action) => JsonSerializer.Serialize(new
        {
            action, issue = new { number, state = action == "closed" ? "closed" : "open" }, repository = new { full_name = TrackerStandIns.Repository },
        });

        var forged = await WebhookAsync("github", Event("closed"), signature: TrackerWebhookEndpoint.Sign("guessed", Encoding.UTF8.GetBytes(Event("closed"))),
            expect: 401);
        Assert.Contains("does not match", forged.Read<ProblemView>().Detail);
        await WebhookAsync("github", Event("closed"), signature: "", expect: 401);
        Assert.Equal("open", await StatusAsync(followUp));

        await WebhookAsync("github", JsonSerializer.Serialize(new { zen = "Keep it logically awesome." }), githubEvent: "ping");
        var delivery = Guid.NewGuid().ToString();
        await WebhookAsync("github", Event("closed"), delivery: delivery, expect: 200);
        Assert.Equal("done", await StatusAsync(followUp));
        await WebhookAsync("github", Event("reopened"));
        Assert.Equal("open", await StatusAsync(followUp));
        // The closing delivery again (a redelivery, or a replay): taken once only.
        var replay = await WebhookAsync("github", Event("closed"), delivery: delivery);
        Assert.False(replay.ReadJson().GetProperty("taken").GetBoolean());
        Assert.Equal("open", await StatusAsync(followUp));

        // Closed as not planned: it will not be done, which whoever decides next must weigh.
        await WebhookAsync("github", JsonSerializer.Serialize(new
        {
            action = "closed", issue = new { number, state = "closed", state_reason = "not_planned" }, repository = new { full_name = TrackerStandIns.Repository },
        }));
        Assert.Equal("wont-do", await StatusAsync(followUp));

        var changes = (await Host.Timeline(incident)).Where(e => e.Type == "FollowUpStatusChanged").ToList();
        Assert.Equal(["tracker:github", "tracker:github", "tracker:github"], changes.Select(c => c.Actor));
        Assert.Contains($"{key} closed in github", changes[0].Summary);
        Assert.Contains("not planned", changes[2].Summary);
    }

    [Fact]
    public async Task jiras_signed_webhook_closes_the_follow_up_when_its_issue_is_done()
    {
        var (_, followUp) = await FollowUpAsync();
        await Host.Post($"/api/followups/{followUp}/export", new { tracker = "jira" }, expect: 202);
        var key = (await LinkedAsync(followUp, "jira")).GetProperty("links")[0].GetProperty("key").GetString()!;
        // As Jira sends it: the issue as it is now, and a changelog of what this update changed.
        string Updated(string category, string changed = "status", string? resolution = null) => JsonSerializer.Serialize(new
        {
            timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), webhookEvent = "jira:issue_updated", issue_event_type_name = "issue_generic",
            user = new { accountId = "5b10ac8d82e05b22cc7d4ef5", displayName = "Hana" },
            issue = new
            {
                id = "10002", key,
                fields = new
                {
                    summary = "Give hr.employee_activity an owner", resolution = resolution is null ? null : new { name = resolution },
                    status = new { name = category == "done" ? "Done" : "In Progress", statusCategory = new { key = category, name = category } },
                },
            },
            changelog = new { id = "10100", items = new[] { new { field = changed, fieldtype = "jira", fromString = "To Do", toString = "Done" } } },
        });

        await WebhookAsync("jira", Updated("done"), signature: "sha256=" + new string('0', 64), expect: 401);
        Assert.Equal("open", await StatusAsync(followUp));
        await WebhookAsync("jira", Updated("done"));
        Assert.Equal("done", await StatusAsync(followUp));
        await WebhookAsync("jira", Updated("indeterminate"));
        Assert.Equal("open", await StatusAsync(followUp));
        // Done here while its issue is still open there: a comment on the issue moves no status, so it says nothing here.
        await Host.Post($"/api/followups/{followUp}/status", new { status = "done" }, expect: 204);
        await WebhookAsync("jira", Updated("indeterminate", changed: "comment"));
        Assert.Equal("done", await StatusAsync(followUp));
        await Host.Post($"/api/followups/{followUp}/status", new { status = "open" }, expect: 204);
        await WebhookAsync("jira", Updated("done", resolution: "Won't Do"));
        Assert.Equal("wont-do", await StatusAsync(followUp));
        await WebhookAsync("jira", """{"webhookEvent":"jira:issue_updated","issue":null}""");
        var broken = await WebhookAsync("jira", "{not json", expect: 400);
        Assert.Contains("$", broken.Read<ProblemView>().Errors!.Keys);
        await WebhookAsync("nowhere", Updated("done"), expect: 404);
    }
}
