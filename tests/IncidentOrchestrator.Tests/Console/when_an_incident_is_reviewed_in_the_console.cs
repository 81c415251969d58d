using IncidentOrchestrator.Tests.Fixtures;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentOrchestrator.Tests.Console;

/// <summary>The commander takes a resolved incident into review, writes it, records the meeting's decision and hands a follow-up to a responder, who finds it in My work.</summary>
public sealed class when_an_incident_is_reviewed_in_the_console(ConsoleFixture fixture) : ConsoleContext(fixture)
{
    [Fact]
    public async Task the_commander_writes_the_review_and_its_follow_up_reaches_its_owner()
    {
        var incident = await DeclaredAsync($"Reviewed {Key}");
        await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/status", Cora, new { status = "resolved" });
        var page = await Fixture.SignedInAsync(Cora);
        await page.GotoAsync($"/incidents/{incident}");

        await page.GetByLabel("Change status").SelectOptionAsync("reviewing");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        await Expect(page.Locator("#incident-header .badges")).ToContainTextAsync("reviewing");

        // Someone else writes the contributing factors after this page was loaded: saving the page's other fields keeps them.
        await ApiAsync(HttpMethod.Put, $"/api/incidents/{incident}/review", Cora, new { contributingFactors = "Nobody reviewed the grant." });
        var review = page.Locator("#review");
        await review.GetByLabel("Summary").FillAsync("Activity data was readable by every engineer for nine days.");
        await review.GetByLabel("Root cause").FillAsync("A group grant for the AI-training pipeline included all staff.");
        await review.GetByRole(AriaRole.Button, new() { Name = "Save the review" }).ClickAsync();
        await Expect(page.Locator("#review .meta").First).ToContainTextAsync("Still to write: people affected");
        await Expect(page.Locator("#review").GetByLabel("Root cause")).ToHaveValueAsync("A group grant for the AI-training pipeline included all staff.");
        await Expect(page.Locator("#review").GetByLabel("Contributing factors")).ToHaveValueAsync("Nobody reviewed the grant.");

        await page.Locator("#review").GetByLabel("Record a decision of the review meeting").FillAsync("Every AI-training dataset gets an owner");
        await page.Locator("#review").GetByRole(AriaRole.Button, new() { Name = "Record" }).ClickAsync();
        await Expect(page.Locator("#review ul")).ToContainTextAsync("Every AI-training dataset gets an owner");

        // Closing a high incident before its review is written is refused, naming what it lacks.
        await page.GetByLabel("Change status").SelectOptionAsync("closed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        await Expect(page.Locator(".actions .problem")).ToContainTextAsync("The review is not written yet");
        await Expect(page.Locator(".actions .problem")).ToContainTextAsync("What went well is not written yet.");

        var followUps = page.Locator("#followups");
        await followUps.GetByLabel("What is to be done").FillAsync($"Give hr.employee_activity an owner {Key}");
        await followUps.GetByLabel("Owner").FillAsync("rui.responder");
        await followUps.GetByLabel("Due").FillAsync("next month");
        await followUps.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.Locator("#followups .problem")).ToContainTextAsync("is neither a date");
        await page.Locator("#followups").GetByLabel("Due").FillAsync("30d");
        await page.Locator("#followups").GetByLabel("Tags").FillAsync("safeguard, programme:ai-training");
        await page.Locator("#followups").GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.Locator("#followups tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#followups tbody tr")).ToContainTextAsync("rui.responder");
        // To the team's tracker: the issue is made in the background; the row links to it once it is.
        await page.Locator("#followups tbody tr").GetByLabel("Export to").SelectOptionAsync("github");
        await page.Locator("#followups tbody tr").GetByRole(AriaRole.Button, new() { Name = "Export" }).ClickAsync();
        for (var until = DateTime.UtcNow.AddSeconds(30); await page.Locator("#followups tbody tr a[href*='github.example']").CountAsync() == 0; await page.ReloadAsync())
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"The follow-up never linked to its GitHub issue. Its row: {await page.Locator("#followups tbody tr").InnerTextAsync()}\n" +
                    $"What the service logged of it:\n{string.Join('\n', Fixture.Log.Split('\n').Where(l => l.Contains("ollow-up") || l.Contains("racker")).TakeLast(20))}");
            await Task.Delay(200);
        }
        await Expect(page.Locator("#followups tbody tr a[href*='github.example']")).ToHaveTextAsync(new Regex($"^{Regex.Escape(TrackerStandIns.Repository)}#\\d+$"));
        Assert.Single(Fixture.Trackers.GitHubIssues, i => i.Title == $"Give hr.employee_activity an owner {Key}");
        Assert.Empty(Fixture.Trackers.Violations);
        await page.Locator("#review").ScrollIntoViewIfNeededAsync();
        await ConsoleFixture.ScreenshotAsync(page, "incident-review");

        var rui = await Fixture.SignedInAsync(Rui);
        await rui.GotoAsync("/work");
        var item = rui.Locator("article.followup", new() { HasText = $"Give hr.employee_activity an owner {Key}" });
        await Expect(item).ToBeVisibleAsync();
        await ConsoleFixture.ScreenshotAsync(rui, "my-work-followups");
        await item.GetByLabel("Move to").SelectOptionAsync("wont-do");
        var refusedAnswer = await rui.RunAndWaitForResponseAsync(() => item.GetByRole(AriaRole.Button, new() { Name = "Move" }).ClickAsync(),
            r => r.Url.Contains("/status") && r.Request.Method == "POST");
        Assert.Equal(400, refusedAnswer.Status);
        await Expect(rui.Locator("article.followup .problem")).ToContainTextAsync("Say why the follow-up will not be done.");
        item = rui.Locator("article.followup", new() { HasText = $"Give hr.employee_activity an owner {Key}" });
        await item.GetByLabel("Move to").SelectOptionAsync("done");
        await item.GetByRole(AriaRole.Button, new() { Name = "Move" }).ClickAsync();
        await Expect(rui.Locator("article.followup", new() { HasText = Key })).ToHaveCountAsync(0);

        await page.ReloadAsync();
        await Expect(page.Locator("#followups tbody tr .badge").First).ToHaveTextAsync("done");
        await Expect(page.Locator("li.event").First).ToContainTextAsync(new Regex("Follow-up done: Give hr.employee_activity an owner"));
    }
}
