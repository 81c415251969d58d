using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentOrchestrator.Tests.Console;

/// <summary>
/// Pages follow the stream: lists and panels are fetched again as things change. What a person is typing, and a message
/// the service showed her, must survive that — whatever else arrives, and even when the very thing she works on changes.
/// </summary>
public sealed class a_live_update_keeps_what_a_person_typed(ConsoleFixture fixture) : ConsoleContext(fixture)
{
    [Fact]
    public async Task a_task_being_filled_in_keeps_its_values_and_messages_when_another_arrives_and_it_changes_itself()
    {
        var incident = await DeclaredAsync($"Typing {Key}");
        var first = await StartAsync(incident);
        var pia = await Fixture.SignedInAsync(Pia);
        await pia.GotoAsync("/work");
        var task = pia.Locator($"#task-{await TaskOfAsync(incident, first)}");
        await Expect(task).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // Completing with nothing filled in: the API's messages appear next to the fields; then she starts typing.
        await task.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await Expect(task.Locator(".field-error").First).ToContainTextAsync("This output is required.");
        await task.GetByLabel("mustNotify").FillAsync("yes");
        await task.GetByLabel("deadline").FillAsync("72h from discovery");
        await task.GetByLabel("deadline").PressAsync("End");

        // Meanwhile her own task changes (acknowledged elsewhere) and another one arrives.
        var taskId = await TaskOfAsync(incident, first);
        await ApiAsync(HttpMethod.Post, $"/api/tasks/{taskId}/ack", Pia);
        var second = await StartAsync(incident);
        await Expect(pia.Locator($"#task-{await TaskOfAsync(incident, second)}")).ToBeVisibleAsync(new() { Timeout = 30_000 });

        Assert.Equal("yes", await task.GetByLabel("mustNotify").InputValueAsync());
        Assert.Equal("72h from discovery", await task.GetByLabel("deadline").InputValueAsync());
        await Expect(task.Locator(".field-error").First).ToContainTextAsync("This output is required.");
        await Expect(task.GetByLabel("deadline")).ToBeFocusedAsync();
        await Expect(task.Locator(".held-note")).ToContainTextAsync("This changed while you were working on it.");
        await ConsoleFixture.ScreenshotAsync(pia, "my-work-kept-while-typing");

        // When she is ready, she takes the new version.
        await task.GetByRole(AriaRole.Button, new() { Name = "Show the new version" }).ClickAsync();
        await Expect(task.Locator(".badge").First).ToHaveTextAsync("acknowledged");
        await Expect(task.Locator(".field-error")).ToHaveCountAsync(0);

        foreach (var run in new[] { first, second }) await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/runs/{run}/cancel", Cora);
    }

    [Fact]
    public async Task the_incident_page_keeps_a_typed_form_and_the_chains_verdict_as_events_arrive()
    {
        var incident = await DeclaredAsync($"Verdict {Key}");
        var page = await Fixture.SignedInAsync(Cora);
        await page.GotoAsync($"/incidents/{incident}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the history" }).ClickAsync();
        await Expect(page.Locator("#chain")).ToContainTextAsync("The history verifies");
        var subject = page.Locator("section.actions input[name=subject]").First;
        await subject.FillAsync("pia.priv");

        // A run starts: the panels beside the timeline (where the verdict is) are fetched again and show it.
        var run = await StartAsync(incident);
        await Expect(page.Locator("#incident-panels")).ToContainTextAsync("privacy-notification", new() { Timeout = 10_000 });

        await Expect(page.Locator("#chain")).ToContainTextAsync("The history verifies");
        Assert.Equal("pia.priv", await subject.InputValueAsync());
        await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/runs/{run}/cancel", Cora);
    }

    private async Task<Guid> StartAsync(Guid incident) =>
        (await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/runs", Cora,
            new { playbook = "privacy-notification", inputs = new { dataset = "hr.employee_activity", readers = "ann" } })).GetProperty("runId").GetGuid();

    private async Task<Guid> TaskOfAsync(Guid incident, Guid run)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(100))
        {
            var tasks = await ApiAsync(HttpMethod.Get, $"/api/tasks?incident={incident}&limit=500", Cora);
            if (tasks.EnumerateArray().FirstOrDefault(t => t.GetProperty("runId").GetGuid() == run) is { ValueKind: JsonValueKind.Object } task)
                return task.GetProperty("taskId").GetGuid();
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No task of run {run}");
        }
    }
}
