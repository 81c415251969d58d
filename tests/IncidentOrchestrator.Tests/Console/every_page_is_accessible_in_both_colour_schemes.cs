using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;
using Microsoft.Playwright;

namespace IncidentOrchestrator.Tests.Console;

/// <summary>
/// axe-core's WCAG 2.1 A and AA rules over every page of the console, in the light scheme and in the dark one the console
/// follows from the system: no serious or critical violation (colour contrast among them).
/// </summary>
public sealed class every_page_is_accessible_in_both_colour_schemes(ConsoleFixture fixture) : ConsoleContext(fixture)
{
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task no_serious_or_critical_violation(string scheme)
    {
        var incident = await DeclaredAsync($"Accessible {Key}", restricted: true);
        // Its review begun and a follow-up: the page shows both, with their forms.
        await ApiAsync(HttpMethod.Put, $"/api/incidents/{incident}/review", Cora, new { summary = "Readable by all engineers", rootCause = "A group grant" });
        await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/followups", Cora, new { title = "Give the dataset an owner", tags = new[] { "safeguard" } });
        var run = (await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/runs", Cora,
            new { playbook = "privacy-notification", inputs = new { dataset = "hr.employee_activity" } })).GetProperty("runId").GetGuid();
        await ApiAsync(HttpMethod.Post, "/api/signals", Cora, new
        {
            source = "scanner", type = "scanner.finding", severity = "high", fingerprint = $"accessible-{Key}", title = "A finding to show",
        });

        var page = await Fixture.SignedInAsync(Cora);
        await page.EmulateMediaAsync(new() { ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
        string[] paths =
        [
            "/incidents", $"/incidents/{incident}", $"/incidents/{incident}/runs/{run}", $"/incidents/{incident}/start?playbook=sensitive-data-exposure",
            $"/incidents/{incident}/report", $"/incidents/{incident}/access-log", "/work", "/playbooks", "/playbooks/sensitive-data-exposure",
            "/leadership", "/programmes", "/datasets", "/datasets/hr.employee_activity", "/access",
        ];
        var found = new List<string>();
        foreach (var path in paths) found.AddRange(await ViolationsAsync(page, path, scheme));

        // My work as the person a task waits for: its buttons, and a refused completion's messages.
        var pia = await Fixture.SignedInAsync(Pia);
        await pia.EmulateMediaAsync(new() { ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
        await pia.GotoAsync("/work");
        var task = pia.Locator("article.task", new() { HasText = $"Accessible {Key}" });
        await Assertions.Expect(task).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await task.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await Assertions.Expect(task.Locator(".field-error").First).ToBeVisibleAsync();
        found.AddRange(await ViolationsAsync(pia, null, $"{scheme}-work-refused")); // (a danger button: the run page's Cancel)

        // An access review with a grant to answer, as the dataset's owner sees it (hr_analysts reads it without asking, as the catalogue says).
        await Fixture.Warehouse.ExecuteAsync("""
            do $$ begin if not exists (select 1 from pg_roles where rolname = 'hr_analysts') then create role hr_analysts nologin; end if; end $$;
            grant select on hr.employee_activity to hr_analysts
            """);
        var hanaToken = Tokens.For("hana.hr-data", Roles.Responder);
        var review = (await ApiAsync(HttpMethod.Post, "/api/access-reviews", hanaToken, new { dataset = "hr.employee_activity", within = "7d" }))
            .GetProperty("reviewId").GetString();
        var hana = await Fixture.SignedInAsync(hanaToken);
        await hana.EmulateMediaAsync(new() { ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
        await hana.GotoAsync($"/access/reviews/{review}");
        // Its tasks open just after the review does: the form is there once the owner's task is.
        for (var until = DateTime.UtcNow.AddSeconds(30); await hana.Locator("form[aria-label='Answer for hr_analysts']").CountAsync() == 0; await hana.ReloadAsync())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("The review never offered to answer for hr_analysts");
            await Task.Delay(200);
        }
        found.AddRange(await ViolationsAsync(hana, null, $"{scheme}-access-review"));
        await ApiAsync(HttpMethod.Post, $"/api/access-reviews/{review}/answer", hanaToken, new { grantee = "hr_analysts", decision = "keep", reason = "the analysts' reports" });

        var responder = await Fixture.SignedInAsync(Rui);
        await responder.EmulateMediaAsync(new() { ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
        found.AddRange(await ViolationsAsync(responder, "/leadership", scheme)); // the page that says no

        var stranger = await Fixture.Browser.NewPageAsync(new() { BaseURL = Fixture.Url, ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
        found.AddRange(await ViolationsAsync(stranger, "/signin", scheme));
        await stranger.CloseAsync();

        await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/runs/{run}/cancel", Cora); // its task would crowd other scenarios' My work
        Assert.True(found.Count == 0, $"{found.Count} serious or critical violations in the {scheme} scheme:\n{string.Join('\n', found)}");
    }

    /// <param name="path">The page to open; null for the page as it is now (after what a person did on it).</param>
    private static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string? path, string scheme)
    {
        if (path is not null) await page.GotoAsync(path);
        await page.Locator("main").WaitForAsync();
        var name = path is null ? "" : "-" + System.Text.RegularExpressions.Regex.Replace(path.Split('?')[0], "[0-9a-f]{8}-[0-9a-f-]{27}", "id").Trim('/').Replace('/', '-');
        await ConsoleFixture.ScreenshotAsync(page, $"axe-{scheme}{name}");
        path ??= page.Url;
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{path}: {v.Id} ({v.Impact}) {v.Help}: {string.Join("; ", v.Nodes.Take(3).Select(n => n.Html))}");
    }
}
