using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentOrchestrator.Tests.Console;

/// <summary>
/// Access asked for from a dataset's page, refused beside the field the catalogue does not allow, decided by its approvers from
/// My work and the request's page, granted on the real warehouse, and taken back early from the page: each read from the database.
/// </summary>
public sealed class when_people_ask_for_access_in_the_console(ConsoleFixture fixture) : ConsoleContext(fixture)
{
    private static readonly string Nina = Tokens.For("nina.analyst", Roles.Responder);
    private static readonly string Hana = Tokens.For("hana.hr-data", Roles.Responder);

    [Fact]
    public async Task a_request_is_asked_decided_granted_and_taken_back_from_its_pages()
    {
        var role = $"console_reader_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create role {role} nologin");

        var nina = await Fixture.SignedInAsync(Nina);
        await nina.GotoAsync("/datasets/hr.employee_activity");
        await nina.GetByRole(AriaRole.Link, new() { Name = "Ask for access to this dataset" }).ClickAsync();
        await Expect(nina.Locator("#dataset")).ToHaveValueAsync("hr.employee_activity");
        await nina.Locator("#grantee").FillAsync(role);
        await nina.Locator("#purpose").FillAsync("analytics");
        await nina.Locator("#duration").FillAsync("15d");
        await nina.Locator("#reason").FillAsync("attrition study");
        await nina.GetByRole(AriaRole.Button, new() { Name = "Ask for access" }).ClickAsync();
        await Expect(nina.Locator("#duration-error")).ToContainTextAsync("at most 14d");
        await Expect(nina.Locator("#grantee")).ToHaveValueAsync(role); // what was typed stays
        await ConsoleFixture.ScreenshotAsync(nina, "access-refused");

        await nina.Locator("#duration").FillAsync("1h");
        await nina.GetByRole(AriaRole.Button, new() { Name = "Ask for access" }).ClickAsync();
        await Expect(nina.Locator(".heading .badge")).ToHaveTextAsync("pending");
        var request = nina.Url[(nina.Url.LastIndexOf('/') + 1)..];

        // Privacy decides from My work, through the request's own page.
        var pia = await Fixture.SignedInAsync(Pia);
        await pia.GotoAsync("/work");
        await pia.GetByRole(AriaRole.Link, new() { Name = $"Access for {role} to hr.employee_activity" }).First.ClickAsync(new() { Timeout = 30_000 });
        await Expect(pia).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/access/{request}$"));
        await pia.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        var approval = (await ApiAsync(HttpMethod.Get, $"/api/approvals?incident={request}", Hana))[0].GetProperty("approvalId").GetString();
        await ApiAsync(HttpMethod.Post, $"/api/approvals/{approval}/decision", Hana, new { decision = "approve" });

        await StatusAsync(nina, "granted");
        Assert.True(await Fixture.Warehouse.CanReadAsync(role, "hr.employee_activity"));
        await Expect(nina.Locator("main")).ToContainTextAsync("pia.privacy: approved");
        await ConsoleFixture.ScreenshotAsync(nina, "access-request");

        await nina.Locator("#reason").FillAsync("study done");
        await nina.GetByRole(AriaRole.Button, new() { Name = "Revoke now" }).ClickAsync();
        await StatusAsync(nina, "ended");
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, "hr.employee_activity"));
        await nina.GotoAsync("/access");
        await Expect(nina.Locator("table.list")).ToContainTextAsync(role);
        await ConsoleFixture.ScreenshotAsync(nina, "access");
    }

    [Fact]
    public async Task the_owner_reviews_the_datasets_access_from_its_page_and_a_revoke_is_read_back()
    {
        var role = $"console_reviewed_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create role {role} nologin");
        var request = (await ApiAsync(HttpMethod.Post, "/api/access-requests", Nina,
            new { dataset = "hr.employee_activity", grantee = role, purpose = "analytics", duration = "14d", reason = "a long study" })).GetProperty("requestId").GetString();
        var approvals = await ApiAsync(HttpMethod.Get, $"/api/approvals?incident={request}", Hana);
        for (var until = DateTime.UtcNow.AddSeconds(30); approvals.GetArrayLength() == 0 && DateTime.UtcNow < until; await Task.Delay(100))
            approvals = await ApiAsync(HttpMethod.Get, $"/api/approvals?incident={request}", Hana);
        var approval = approvals[0].GetProperty("approvalId").GetString();
        await ApiAsync(HttpMethod.Post, $"/api/approvals/{approval}/decision", Hana, new { decision = "approve" });
        await ApiAsync(HttpMethod.Post, $"/api/approvals/{approval}/decision", Pia, new { decision = "approve" });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await Fixture.Warehouse.CanReadAsync(role, "hr.employee_activity"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{role} was never granted");
            await Task.Delay(100);
        }

        var hana = await Fixture.SignedInAsync(Hana);
        await hana.GotoAsync("/datasets/hr.employee_activity");
        await hana.GetByRole(AriaRole.Button, new() { Name = "Review its access now" }).ClickAsync();
        await Expect(hana).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/access/reviews/[0-9a-f-]+$"));
        var reviewPage = hana.Url;
        var row = hana.Locator("tr", new() { Has = hana.Locator($"code:text-is('{role}')") });
        await Expect(row).ToContainTextAsync("requested");
        // Its tasks open just after the review does: the form is there once the owner's task is.
        for (var until = DateTime.UtcNow.AddSeconds(30); await row.GetByRole(AriaRole.Button, new() { Name = "Keep" }).CountAsync() == 0; await hana.ReloadAsync())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"The review never offered to answer for {role}");
            await Task.Delay(200);
        }

        // Keeping needs a reason: the page says so and nothing changes.
        await row.GetByRole(AriaRole.Button, new() { Name = "Keep" }).ClickAsync();
        await Expect(hana.Locator("main")).ToContainTextAsync("Why the access is kept is required");
        await hana.GotoAsync(reviewPage);
        row = hana.Locator("tr", new() { Has = hana.Locator($"code:text-is('{role}')") });
        await row.Locator("input[name=reason]").FillAsync("the study was cancelled");
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await hana.Locator("tr", new() { Has = hana.Locator($"code:text-is('{role}')") }).TextContentAsync())!.Contains("read back: no access"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The review's page never said the revoke was read back");
            await Task.Delay(200);
            await hana.ReloadAsync();
        }
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, "hr.employee_activity"));
        await ConsoleFixture.ScreenshotAsync(hana, "access-review");

        // The rest are kept, so that the owner's work is left as it was.
        var review = hana.Url[(hana.Url.LastIndexOf('/') + 1)..];
        foreach (var item in (await ApiAsync(HttpMethod.Get, $"/api/access-reviews/{review}", Hana)).GetProperty("items").EnumerateArray()
                     .Where(i => i.GetProperty("decision").ValueKind == System.Text.Json.JsonValueKind.Null))
            await ApiAsync(HttpMethod.Post, $"/api/access-reviews/{review}/answer", Hana,
                new { grantee = item.GetProperty("grantee").GetString(), decision = "keep", reason = "still needed" });
        await hana.GotoAsync("/access");
        await Expect(hana.Locator("#reviews-heading")).ToBeVisibleAsync();
    }

    /// <summary>Reloads the request's page until it says <paramref name="status"/> (its run works in the background).</summary>
    private static async Task StatusAsync(IPage page, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await page.Locator(".heading .badge").TextContentAsync() != status)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The request's page still says '{await page.Locator(".heading .badge").TextContentAsync()}', not '{status}'");
            await Task.Delay(200);
            await page.ReloadAsync();
        }
    }
}
