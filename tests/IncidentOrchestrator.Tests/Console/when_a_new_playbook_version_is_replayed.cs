using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Console;

/// <summary>
/// Three incidents really contained by the shipped sensitive-data-exposure playbook (on the fixture's warehouse), then a
/// candidate version replayed over them: what it would have done differently, per run, with nothing executed.
/// </summary>
public sealed class when_a_new_playbook_version_is_replayed(ConsoleFixture fixture) : ConsoleContext(fixture)
{
    private static readonly string Shipped = File.ReadAllText(Path.Combine(AppFixture.RepositoryPlaybooks, "sensitive-data-exposure.yaml"));

    [Fact]
    public async Task the_replay_names_each_runs_differences_and_executes_nothing()
    {
        // (1) a low incident with the programme, (2) one without a programme, (3) a false positive, cancelled as it began.
        var withProgramme = await RecordAsync("low", programme: "activity-insights");
        var withoutProgramme = await RecordAsync("high", programme: null);
        var falsePositive = await RecordAsync("high", programme: null, cancel: true);
        try
        {
            await ReplayAndCheckAsync(withProgramme, withoutProgramme, falsePositive);
        }
        finally
        {
            await EndAsync(withProgramme, withoutProgramme); // their open tasks would crowd the on-call responder's My work in other scenarios
        }
    }

    private async Task ReplayAndCheckAsync((Guid Incident, Guid Run) withProgramme, (Guid Incident, Guid Run) withoutProgramme,
        (Guid Incident, Guid Run) falsePositive)
    {
        var eventsBefore = await EventCountAsync(withProgramme.Incident);

        var candidate = Shipped
            .Replace("    when: inputs.programme != null\n    action: programme.suspend", "    when: inputs.programme != null && incident.severity != 'low'\n    action: programme.suspend")
            .Replace("  - id: verify-containment", "  - id: tell-participants\n    needs: [revoke-grant]\n    action: incident.notify\n    with: { message: \"{{ inputs.dataset }} is contained\" }\n\n  - id: verify-containment")
            .Replace("  retry: { attempts: 3, backoff: 2s, maxBackoff: 1m }", "  retry: { attempts: 4, backoff: 2s, maxBackoff: 1m }")
            .Replace("snapshot-access-log", "preserve-access-log");
        var answer = await ApiAsync(HttpMethod.Post, "/api/playbooks/replay", Cora, new
        {
            text = candidate, incidents = new[] { withProgramme.Incident, withoutProgramme.Incident, falsePositive.Incident },
        });

        Assert.Equal(0, answer.GetProperty("hidden").GetInt32());
        var runs = answer.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("runId").GetGuid());
        Assert.Equal(3, runs.Count);
        string[] Differences(Guid run) => runs[run].GetProperty("differences").EnumerateArray()
            .Where(d => d.GetProperty("kind").GetString() != "changed-policy")
            .Select(d => $"{d.GetProperty("kind").GetString()} {d.GetProperty("step").GetString()}").Order().ToArray();

        // The low incident's programme would not have been suspended; every run gains the notice, and the renamed step is one not taken, one new.
        Assert.Equal(["new preserve-access-log", "new tell-participants", "not-taken snapshot-access-log", "not-taken suspend-programme"], Differences(withProgramme.Run));
        Assert.Equal(["new preserve-access-log", "new tell-participants", "not-taken snapshot-access-log"], Differences(withoutProgramme.Run));
        // The false positive is cancelled where people cancelled it: it tells the participants only if the revoke had ended by then.
        var falsePositiveRun = runs[falsePositive.Run];
        JsonElement Step(JsonElement run, string id) => run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        var revokedFirst = Step(falsePositiveRun, "revoke-grant").GetProperty("recorded").GetString() == "succeeded";
        Assert.Equal(revokedFirst, Differences(falsePositive.Run).Contains("new tell-participants"));
        Assert.Equal("cancelled", falsePositiveRun.GetProperty("candidateStatus").GetString());
        if (!revokedFirst) Assert.Equal("not-reached", Step(falsePositiveRun, "tell-participants").GetProperty("candidate").GetString());
        foreach (var run in runs.Values)
        {
            var notice = Step(run, "tell-participants");
            // the record cannot say how a new action would have ended
            Assert.Equal(run.GetProperty("runId").GetGuid() != falsePositive.Run || revokedFirst, notice.GetProperty("assumed").GetBoolean());
            Assert.Equal(JsonValueKind.Null, notice.GetProperty("recorded").ValueKind);
            Assert.Contains(run.GetProperty("differences").EnumerateArray(), d => d.GetProperty("kind").GetString() == "changed-policy"
                && d.GetProperty("step").GetString() == "revoke-grant" && d.GetProperty("detail").GetString()!.Contains("retry 3× (backoff 2s), timeout 2m, onFailure escalate → retry 4×"));
        }
        Assert.Equal("cancelled", runs[falsePositive.Run].GetProperty("recordedStatus").GetString());

        // Nothing was executed and nothing written to the incidents.
        Assert.Equal(eventsBefore, await EventCountAsync(withProgramme.Incident));

        // Someone without need-to-know gets the count, not the runs.
        var stranger = await ApiAsync(HttpMethod.Post, "/api/playbooks/replay", Sam, new { text = candidate, incidents = new[] { withProgramme.Incident } });
        Assert.Empty(stranger.GetProperty("runs").EnumerateArray());
        Assert.Equal(1, stranger.GetProperty("hidden").GetInt32());
        Assert.Equal("1 run(s) on incidents (or access requests) you may not see were left out", stranger.GetProperty("note").GetString());

        // The versions: the loaded one has these runs; its text is served exactly.
        var versions = await ApiAsync(HttpMethod.Get, "/api/playbooks/sensitive-data-exposure/versions", Cora);
        var loaded = versions.EnumerateArray().Single(v => v.GetProperty("loaded").GetBoolean());
        Assert.True(loaded.GetProperty("runs").GetInt32() >= 3);
        var hash = loaded.GetProperty("hash").GetString();
        Assert.Equal(Shipped, (await ApiAsync(HttpMethod.Get, $"/api/playbooks/sensitive-data-exposure/versions/{hash}", Cora)).GetProperty("text").GetString());

        // The same from a terminal.
        var file = Path.Combine(Path.GetTempPath(), $"candidate-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, candidate);
        try
        {
            var (code, output) = await CliAsync("playbook", "replay", file, "--incident", withProgramme.Incident.ToString());
            Assert.True(code == 0, output);
            Assert.Matches(@"not-taken\s+suspend-programme", output);
            Assert.Contains("assumed (the record cannot say): tell-participants", output);
            Assert.Contains("1 run(s) replayed, 1 with differences.", output);
            var versionsOut = await CliAsync("playbook", "versions", "sensitive-data-exposure");
            Assert.Contains("loaded", versionsOut.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await IncidentOrchestrator.Cli.IncidentCli.RunAsync(["--url", Fixture.Url, "--token", Cora, .. args],
            new IncidentOrchestrator.Cli.CliConsole(output, error), handler: null);
        return (code, output + error.ToString());
    }

    [Fact]
    public async Task a_commander_tries_a_new_version_on_the_playbook_page()
    {
        var recorded = await RecordAsync("low", programme: "activity-insights");
        try
        {
            await TryOnThePageAsync(recorded);
        }
        finally
        {
            await EndAsync(recorded);
        }
    }

    private async Task TryOnThePageAsync((Guid Incident, Guid Run) recorded)
    {
        var page = await Fixture.SignedInAsync(Cora);
        await page.GotoAsync("/playbooks/sensitive-data-exposure");
        var text = page.GetByLabel("Candidate version");
        Assert.Equal(Shipped.Replace("\r\n", "\n").TrimEnd(), (await text.InputValueAsync()).Replace("\r\n", "\n").TrimEnd()); // it starts from the loaded text
        await text.FillAsync(Shipped.Replace("    when: inputs.programme != null\n    action: programme.suspend",
            "    when: inputs.programme != null && incident.severity != 'low'\n    action: programme.suspend"));
        await page.GetByLabel("Runs started in the last").SelectOptionAsync("7");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Replay" }).ClickAsync();

        var run = page.Locator("article.replay-run", new() { Has = page.Locator($"a[href='/incidents/{recorded.Incident}/runs/{recorded.Run}']") });
        await Microsoft.Playwright.Assertions.Expect(run).ToContainTextAsync("not-taken");
        await Microsoft.Playwright.Assertions.Expect(run).ToContainTextAsync("'suspend-programme' ran (succeeded) in the record; the candidate would not");
        await run.ScrollIntoViewIfNeededAsync();
        await ConsoleFixture.ScreenshotAsync(page, "playbook-replay");

        await text.FillAsync(Shipped.Replace("    action: programme.suspend", "    action: programme.explode"));
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Alert)).ToContainTextAsync("programme.explode");
    }

    [Fact]
    public async Task a_candidate_with_errors_is_refused_with_their_positions_as_validate_does()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Fixture.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Cora);
        var broken = Shipped.Replace("    action: programme.suspend", "    action: programme.explode");
        using var response = await http.PostAsJsonAsync("/api/playbooks/replay", new { text = broken });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal(Shipped.Split('\n').ToList().FindIndex(l => l.Contains("action: programme.suspend")) + 1, error.GetProperty("line").GetInt32());
        Assert.Contains("programme.explode", error.GetProperty("message").GetString());
    }

    private async Task<(Guid Incident, Guid Run)> RecordAsync(string severity, string? programme, bool cancel = false)
    {
        var grantee = $"replay_{Guid.NewGuid():N}"[..24];
        await Fixture.Warehouse.ExecuteAsync($"create role {grantee} nologin; grant select on hr.employee_activity to {grantee}");
        var incident = (await ApiAsync(HttpMethod.Post, "/api/incidents", Cora, new { title = $"Replayed {Key} {grantee}", severity, restricted = true }))
            .GetProperty("id").GetGuid();
        object inputs = programme is null ? new { dataset = "hr.employee_activity", grantee } : new { dataset = "hr.employee_activity", grantee, programme };
        var run = (await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/runs", Cora, new { playbook = "sensitive-data-exposure", inputs }))
            .GetProperty("runId").GetGuid();
        if (cancel) await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/runs/{run}/cancel", Cora, new { reason = "false positive" });
        // Recorded when the containment is done and the run waits for people (or, cancelled, has ended).
        await RunScenarios.Eventually(async () => (await ApiAsync(HttpMethod.Get, $"/api/incidents/{incident}/runs/{run}", Cora)).GetProperty("status").GetString(),
            status => status is "waiting" or "cancelled" or "compensated" or "failed", TimeSpan.FromSeconds(60), "the run to be recorded");
        return (incident, run);
    }

    /// <summary>Cancels recorded runs still waiting for people, and waits until their tasks are cancelled too.</summary>
    private async Task EndAsync(params (Guid Incident, Guid Run)[] recorded)
    {
        foreach (var (incident, run) in recorded)
        {
            await ApiAsync(HttpMethod.Post, $"/api/incidents/{incident}/runs/{run}/cancel", Cora, new { reason = "replay scenario over" });
            await RunScenarios.Eventually(async () => (await ApiAsync(HttpMethod.Get, $"/api/tasks?incident={incident}&status=open,acknowledged", Cora)).GetArrayLength(),
                open => open == 0, TimeSpan.FromSeconds(30), "the cancelled run's tasks to close");
        }
    }

    private async Task<int> EventCountAsync(Guid incident) =>
        (await ApiAsync(HttpMethod.Get, $"/api/incidents/{incident}/timeline?limit=1000", Cora)).GetArrayLength();
}
