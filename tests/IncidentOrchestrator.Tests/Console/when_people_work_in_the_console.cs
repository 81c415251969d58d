using System.Text.Json;
using System.Text.RegularExpressions;
using IncidentOrchestrator.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentOrchestrator.Tests.Console;

public sealed class when_people_work_in_the_console(ConsoleFixture fixture) : ConsoleContext(fixture)
{
    [Fact]
    public async Task a_commander_declares_an_incident_and_reads_it()
    {
        var page = await Fixture.SignedInAsync(Cora);
        await ConsoleFixture.ScreenshotAsync(page, "incidents");

        await page.GetByText("Declare an incident").ClickAsync();
        await page.Locator("#declare-title").FillAsync($"Activity data readable by all engineers {Key}");
        await page.Locator("#declare-severity").SelectOptionAsync("critical");
        await page.GetByLabel("Restricted (need-to-know)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Declare" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/incidents/[0-9a-f-]{36}$"), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Activity data readable by all engineers {Key}");
        await Expect(page.Locator("li.event").First).ToContainTextAsync("declared a critical incident");
        await Expect(page.Locator(".badges")).ToContainTextAsync("restricted");
        await ConsoleFixture.ScreenshotAsync(page, "incident");

        await page.GotoAsync("/incidents?q=" + Key);
        await Expect(page.Locator("table.list tbody tr")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task a_commander_previews_the_plan_starts_the_playbook_and_watches_containment_without_reloading()
    {
        var grantee = $"all_engineers_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create role {grantee} nologin; grant select on hr.employee_activity to {grantee}");
        var incident = await DeclaredAsync($"Exposure {Key}", restricted: true);
        var page = await Fixture.SignedInAsync(Cora);

        await page.GotoAsync($"/incidents/{incident}");
        await page.GetByLabel("Start a playbook").SelectOptionAsync("sensitive-data-exposure");
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose inputs…" }).ClickAsync();
        await page.Locator("#input-dataset").FillAsync("hr.employee_activity");
        await page.Locator("#input-grantee").FillAsync(grantee);
        await page.Locator("#input-programme").FillAsync("activity-insights");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview the plan" }).ClickAsync();
        await Expect(page.Locator("section.plan")).ToContainTextAsync("revoke-grant");
        await ConsoleFixture.ScreenshotAsync(page, "start-playbook");

        await page.GetByRole(AriaRole.Button, new() { Name = "Start the run" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/runs/[0-9a-f-]{36}$"), new() { WaitUntil = WaitUntilState.Commit });
        await page.EvaluateAsync("window.__sameDocument = true");
        await Expect(page.Locator("#step-revoke-grant .badge")).ToHaveTextAsync("succeeded", new() { Timeout = 30_000 });
        await Expect(page.Locator("#step-verify-containment .badge")).ToHaveTextAsync("succeeded", new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true")); // the steps turned green in place, no reload
        Assert.False(await Fixture.Warehouse.CanReadAsync(grantee, "hr.employee_activity"));
        await ConsoleFixture.ScreenshotAsync(page, "run");

        // The on-call responder finds the investigation in My work, acknowledges it, and completes it.
        var rui = await Fixture.SignedInAsync(Rui);
        await rui.GotoAsync("/work");
        var task = rui.Locator("article.task", new() { HasText = "Find every reader of hr.employee_activity" });
        await Expect(task.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await task.First.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        task = rui.Locator("article.task", new() { HasText = "Find every reader of hr.employee_activity" });
        await task.First.GetByLabel("readers").FillAsync("ann,bob");
        await task.First.GetByLabel("firstExposedAt").FillAsync("2026-11-28T09:14:00Z");
        await task.First.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        // affectedEmployees was left empty: the API's own message, next to that field.
        await Expect(rui.Locator(".field-error").First).ToContainTextAsync("This output is required.");
        await ConsoleFixture.ScreenshotAsync(rui, "my-work");
        task = rui.Locator("article.task", new() { HasText = "Find every reader of hr.employee_activity" });
        await task.First.GetByLabel("readers").FillAsync("ann,bob");
        await task.First.GetByLabel("firstExposedAt").FillAsync("2026-11-28T09:14:00Z");
        await task.First.GetByLabel("affectedEmployees").FillAsync("50");
        await task.First.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await Expect(rui.Locator(".field-error")).ToHaveCountAsync(0);

        await page.GotoAsync($"/incidents/{incident}");
        await Expect(page.Locator("#events")).ToContainTextAsync("completed", new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task a_number_typed_into_the_playbook_page_and_into_the_start_form_is_read_as_a_number()
    {
        var reader = $"bulk_reader_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create role {reader} nologin; grant select on hr.employee_activity to {reader}");
        var page = await Fixture.SignedInAsync(Cora);

        // The playbook page's dry run: every field is text, read by the input's declared type.
        await page.GotoAsync("/playbooks/insider-bulk-download");
        await page.Locator("#dry-dataset").FillAsync("hr.employee_activity");
        await page.Locator("#dry-reader").FillAsync(reader);
        await page.Locator("#dry-rows").FillAsync("50000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan" }).ClickAsync();
        // 50000 >= 10000: the number was compared as a number
        await Expect(page.Locator("ol.plan-steps li").Filter(new() { Has = page.GetByText("revoke-reader", new() { Exact = true }) }).Locator(".badge")).ToHaveTextAsync("run");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("must be a number");
        await Expect(page.Locator("#dry-rows")).ToHaveValueAsync("50000"); // what was typed stays beside its plan
        await page.Locator("#dry-rows").FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan" }).ClickAsync();
        await Expect(page.Locator("ol.plan-steps li").Filter(new() { Has = page.GetByText("revoke-reader", new() { Exact = true }) }).Locator(".badge")).ToHaveTextAsync("skip");

        // The incident page's start form: previewed, then started with the same text.
        var incident = await DeclaredAsync($"Bulk download {Key}", restricted: true);
        await page.GotoAsync($"/incidents/{incident}");
        await page.GetByLabel("Start a playbook").SelectOptionAsync("insider-bulk-download");
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose inputs…" }).ClickAsync();
        await page.Locator("#input-dataset").FillAsync("hr.employee_activity");
        await page.Locator("#input-reader").FillAsync(reader);
        await page.Locator("#input-rows").FillAsync("50000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview the plan" }).ClickAsync();
        await Expect(page.Locator("section.plan tr", new() { HasText = "revoke-reader" }).Locator(".badge")).ToHaveTextAsync("run");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the run" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/runs/[0-9a-f-]{36}$"), new() { WaitUntil = WaitUntilState.Commit });

        // The run starts as its first turn is taken, just after the page answered.
        var started = (await RunScenarios.Eventually(() => ApiAsync(HttpMethod.Get, $"/api/incidents/{incident}/timeline?types=PlaybookRunStarted", Cora),
            t => t.GetArrayLength() == 1))[0];
        Assert.Equal(page.Url[^36..], started.GetProperty("data").GetProperty("runId").GetString());
        var rows = started.GetProperty("data").GetProperty("inputs").GetProperty("rows");
        Assert.Equal(JsonValueKind.Number, rows.ValueKind);
        Assert.Equal(50000m, rows.GetDecimal());
    }

    [Fact]
    public async Task a_responder_who_is_not_a_participant_gets_the_not_found_page_and_the_refused_read_is_recorded()
    {
        var incident = await DeclaredAsync($"Restricted {Key}", restricted: true);
        var sam = await Fixture.SignedInAsync(Sam);

        var response = await sam.GotoAsync($"/incidents/{incident}");
        Assert.Equal(404, response!.Status);
        await Expect(sam.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not found");
        await ConsoleFixture.ScreenshotAsync(sam, "not-found");

        var log = await ApiAsync(HttpMethod.Get, $"/api/incidents/{incident}/access-log", Cora);
        Assert.Contains(log.EnumerateArray(), e => e.GetProperty("subject").GetString() == "sam.responder"
                                                  && e.GetProperty("outcome").GetString() == "denied"
                                                  && e.GetProperty("endpoint").GetString()!.StartsWith("GET /incidents/"));
    }

    [Fact]
    public async Task a_signal_appears_on_an_open_incident_page_within_two_seconds()
    {
        var fingerprint = $"console:{Key}";
        var opened = await ApiAsync(HttpMethod.Post, "/api/signals", Cora, Signal(fingerprint, "first"));
        var page = await Fixture.SignedInAsync(Cora);
        await page.GotoAsync($"/incidents/{opened.GetProperty("incidentId").GetGuid()}");
        await Expect(page.Locator("[data-live-status]").First).ToHaveTextAsync("live");

        await ApiAsync(HttpMethod.Post, "/api/signals", Cora, Signal(fingerprint, $"again {Key}"));
        await Expect(page.Locator("li.event").First).ToContainTextAsync($"again {Key}", new() { Timeout = 2_000 });
        await Expect(page.Locator("#incident-header")).ToContainTextAsync("Signals2", new() { Timeout = 5_000 }); // the header follows
        await ConsoleFixture.ScreenshotAsync(page, "incident-live");
    }

    [Fact]
    public async Task an_invalid_playbook_pasted_into_the_editor_shows_its_errors_at_their_lines()
    {
        var page = await Fixture.SignedInAsync(Cora);
        await page.GotoAsync("/playbooks");
        await page.GetByLabel("YAML").FillAsync("apiVersion: incidents/v1\nkind: Playbook\nname: Bad Name\ntitle: t\nsteps:\n  - id: a\n    action: incident.explode\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();

        await Expect(page.Locator(".problem")).ToContainTextAsync("line 3, column 7");
        await Expect(page.Locator(".problem")).ToContainTextAsync("line 7, column 13");
        await Expect(page.Locator("ol.source li.has-error")).ToHaveCountAsync(2);
        await ConsoleFixture.ScreenshotAsync(page, "playbook-validate");
    }

    [Fact]
    public async Task a_form_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        var page = await Fixture.SignedInAsync(Cora);
        var response = await page.APIRequest.PostAsync("/incidents", new()
        {
            Form = page.APIRequest.CreateFormData().Set("title", $"forged {Key}").Set("severity", "low"),
        });
        Assert.Equal(400, response.Status);
        Assert.Empty((await ApiAsync(HttpMethod.Get, $"/api/incidents?q=forged%20{Key}", Cora)).EnumerateArray());
    }

    [Fact]
    public async Task leadership_and_privacy_approve_in_my_work_the_run_ends_and_leadership_counts_the_incident()
    {
        var grantee = $"everyone_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create role {grantee} nologin; grant select on hr.employee_activity to {grantee}");
        var incident = await DeclaredAsync($"Approved resume {Key}");
        var run = (await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/runs", Cora, new
        {
            playbook = "sensitive-data-exposure", inputs = new { dataset = "hr.employee_activity", grantee, programme = "activity-insights" },
        })).GetProperty("runId").GetGuid();
        // The people before the approval do their part through the API.
        await CompleteTaskAsync(incident, "scope-exposure", Rui, new { readers = "ann", firstExposedAt = "2026-11-28", affectedEmployees = "50" });
        await CompleteTaskAsync(incident, "find-root-cause", Rui, new { change = "CR-1", changedBy = "dba", changedAt = "2026-11-27" });
        await CompleteTaskAsync(incident, "assess-notification-duty", Pia, new { mustNotify = "no", deadline = "" });
        await CompleteTaskAsync(incident, "tighten-access-controls", Rui, new { changeRequest = "CR-2" });
        await CompleteTaskAsync(incident, "minimise-training-data", Pia, new { decision = "keep minimised" });
        // The run made the programme's safeguards a follow-up; the approval waits until it is done.
        var safeguard = await RunScenarios.Eventually(() => ApiAsync(HttpMethod.Get, $"/api/followups?incident={incident}&tag=safeguard", Cora),
            f => f.GetArrayLength() == 1);
        var waiting = await RunScenarios.Eventually(() => ApiAsync(HttpMethod.Get, $"/api/incidents/{incident}/runs/{run}", Cora),
            r => r.GetProperty("steps").EnumerateArray().Any(s => s.GetProperty("id").GetString() == "safeguards-done" && s.GetProperty("status").GetString() == "running")
                 && r.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("id").GetString() is "tighten-access-controls" or "minimise-training-data" or "notify-privacy")
                     .All(s => s.GetProperty("status").GetString() == "succeeded"));
        Assert.Equal("pending", waiting.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "approve-resume").GetProperty("status").GetString());
        Assert.Equal(0, (await ApiAsync(HttpMethod.Get, $"/api/approvals?incident={incident}", Cora)).GetArrayLength());
        await ApiAsync(HttpMethod.Post, $"/api/followups/{safeguard[0].GetProperty("id").GetString()}/status", Cora, new { status = "done" });

        foreach (var (token, name) in new[] { (Lena, "leadership"), (Pia, "privacy") })
        {
            var page = await Fixture.SignedInAsync(token);
            await page.GotoAsync("/work");
            var approval = page.Locator("article.approval", new() { HasText = $"Approved resume {Key}" });
            await Expect(approval).ToBeVisibleAsync(new() { Timeout = 30_000 });
            if (name == "leadership") await ConsoleFixture.ScreenshotAsync(page, "my-work-approval");
            await approval.GetByLabel("Comment").FillAsync($"safeguards verified by {name}");
            await approval.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(page.Locator("article.approval", new() { HasText = $"Approved resume {Key}" })).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        }

        await CompleteTaskAsync(incident, "post-incident-review", Cora, new { reviewNotes = "done" });
        var cora = await Fixture.SignedInAsync(Cora);
        await cora.GotoAsync($"/incidents/{incident}/runs/{run}");
        await Expect(cora.Locator("h1 .badge")).ToHaveTextAsync("succeeded", new() { Timeout = 30_000 });
        await ConsoleFixture.ScreenshotAsync(cora, "run-succeeded");

        // Once resolved, the incident counts in leadership's figures.
        var lena = await Fixture.SignedInAsync(Lena);
        await lena.GotoAsync("/leadership");
        var before = await ResolvedAsync(lena);
        await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/status", Cora, new { status = "resolved", reason = "contained, reviewed, resumed" });
        await lena.ReloadAsync();
        Assert.Equal(before + 1, await ResolvedAsync(lena));
        await ConsoleFixture.ScreenshotAsync(lena, "leadership-after");
    }

    private static async Task<int> ResolvedAsync(IPage page) =>
        int.Parse(Regex.Match(await page.Locator("main").InnerTextAsync(), @"(\d+) resolved").Groups[1].Value);

    [Fact]
    public async Task the_report_prints_and_the_access_log_and_programmes_show()
    {
        var incident = await DeclaredAsync($"Reported {Key}", restricted: true);
        var page = await Fixture.SignedInAsync(Cora);
        await page.GotoAsync($"/incidents/{incident}/report");
        await Expect(page.Locator("article.report h1")).ToContainTextAsync($"Reported {Key}");
        await ConsoleFixture.ScreenshotAsync(page, "report");
        await page.GotoAsync($"/incidents/{incident}/access-log");
        await Expect(page.Locator("table.list")).ToContainTextAsync("cora.commander");
        await ConsoleFixture.ScreenshotAsync(page, "access-log");
        await page.GotoAsync("/programmes");
        await Expect(page.Locator("article.programme").First).ToContainTextAsync("activity-insights");
        await ConsoleFixture.ScreenshotAsync(page, "programmes");
        await page.GotoAsync("/playbooks/sensitive-data-exposure");
        await Expect(page.Locator("ol.source")).ToContainTextAsync("postgres.revoke");
        await ConsoleFixture.ScreenshotAsync(page, "playbook");
    }

    [Fact]
    public async Task leadership_sees_the_figures_with_their_definitions()
    {
        await DeclaredAsync($"Counted {Key}");
        var page = await Fixture.SignedInAsync(Lena);
        await page.GotoAsync("/leadership");

        await Expect(page.Locator(".card").First).ToContainTextAsync("Mean time to detect");
        await Expect(page.Locator("figure.chart svg").First).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("Generated by IncidentOrchestrator for lena.leadership");
        await ConsoleFixture.ScreenshotAsync(page, "leadership");
    }

    private static object Signal(string fingerprint, string title) => new
    {
        source = "acl-scanner", type = "scanner.finding", severity = "high", fingerprint, title, attributes = new { dataset = "hr.x" },
    };
}
