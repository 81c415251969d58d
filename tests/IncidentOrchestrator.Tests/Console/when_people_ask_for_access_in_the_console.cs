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
