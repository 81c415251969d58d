using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentOrchestrator.Cli;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Cli;

/// <summary>
/// <c>-o json</c> is for scripts: what a command prints is what the API answered to the request that did the work, not a
/// summary of it. Every command that asks the API something is run here through a handler that keeps the API's answers,
/// and its output is held to the last one.
/// </summary>
public sealed class every_command_prints_the_apis_answer(RunsFixture fixture) : RunContext(fixture)
{
    private static readonly string Rui = Tokens.For("rui.responder", Roles.Responder);
    private static readonly string Lena = Tokens.For("lena.leadership", Roles.Leadership);
    private static readonly string Pia = Tokens.For("pia.privacy", Roles.Privacy);

    private async Task<JsonNode?> Json(string token, params string[] args)
    {
        var recorder = new CliRunner.RecordingHandler(Host.Server.CreateHandler());
        var result = await CliRunner.Incident(recorder, "http://localhost", token, false, [.. args, "-o", "json"]);
        Assert.True(result.ExitCode == 0, $"incident {string.Join(' ', args)}: {result.Error}{result.Out}");
        var answer = recorder.Exchanges[^1];
        if (answer.Body.Length == 0)
        {
            Assert.True(result.Out.Length == 0, $"incident {string.Join(' ', args)} -o json printed '{result.Out}'; the API answered nothing");
            return null;
        }
        var printed = JsonNode.Parse(result.Out);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(answer.Body), printed),
            $"incident {string.Join(' ', args)} -o json printed\n{result.Out}\nbut {answer.Method} {answer.Path} answered\n{answer.Body}");
        return printed;
    }

    [Fact]
    public async Task json_for_scripts_keeps_the_text_as_written()
    {
        var title = $"Müller + Søn's activity data {Key}";
        var declared = await Json(Api.Commander, "declare", "--title", title, "--severity", "high");
        var id = declared!["id"]!.GetValue<string>();
        foreach (var format in new[] { "json", "jsonl" })
        foreach (var args in new[] { new[] { "show", id }, new[] { "timeline", id } })
        {
            var printed = await CliRunner.Incident(Host.Server.CreateHandler(), "http://localhost", Api.Commander, false, [.. args, "-o", format]);
            Assert.Contains(title, printed.Out); // not "M\u00FCller \u002B S\u00F8n\u0027s"
            Assert.Contains("+00:00", printed.Out);
        }
    }

    [Fact]
    public async Task text_for_people_shows_no_control_character_the_service_sent()
    {
        // a title as an outside source might send it: red text, a new terminal title, a carriage return that overwrites
        // and a right-to-left override that would show "exe.pdf" as "fdp.exe"
        var title = $"\u001b[31mred\u001b[0m\u001b]0;owned\u0007 and\rback \u202Eexe.pdf {Key}";
        var declared = await Json(Api.Commander, "declare", "--title", title, "--severity", "high");
        var id = declared!["id"]!.GetValue<string>();
        foreach (var args in new[] { new[] { "show", id }, new[] { "timeline", id }, new[] { "list", "--mine" } })
        {
            var printed = await CliRunner.Incident(Host.Server.CreateHandler(), "http://localhost", Api.Commander, false, args);
            Assert.Equal(0, printed.ExitCode);
            Assert.Contains($"\uFFFD[31mred\uFFFD[0m\uFFFD]0;owned\uFFFD and\uFFFDback \uFFFDexe.pdf {Key}", printed.Out);
            Assert.DoesNotContain(printed.Out, c => char.IsControl(c) && c is not '\n' and not '\t' || c == '\u202E');
        }
        var report = await CliRunner.Incident(Host.Server.CreateHandler(), "http://localhost", Api.Commander, true, "report", id); // on a terminal
        Assert.Contains("\uFFFD[31mred", report.Out);
        Assert.DoesNotContain(report.Out, c => char.IsControl(c) && c is not '\n' and not '\t' || c == '\u202E');
        Assert.Equal("a note\nwritten on Windows", Output.Printable("a note\r\nwritten on Windows"));
        // a name that reads backwards from an override, and one isolated: what reorders the line is shown, not obeyed
        Assert.Equal("invoice-\uFFFDfdp.exe \uFFFDx\uFFFD", Output.Printable("invoice-\u202Efdp.exe \u2067x\u2069"));
    }

    [Fact]
    public async Task incidents_signals_runs_tasks_approvals_playbooks_and_records()
    {
        var declared = await Json(Api.Commander, "declare", "--title", $"cli json {Key}", "--severity", "high");
        var id = declared!["id"]!.GetValue<string>();
        await Json(Api.Commander, "show", id);
        await Json(Api.Commander, "list", "--mine");
        await Json(Api.Commander, "participant", "add", id, "rui.responder");
        await Json(Api.Commander, "commander", id, "cora.commander");

        var signal = await Json(Api.Ingest, "signal", "--source", "cli", "--type", "test.trigger", "--severity", "high", "--fingerprint", $"cli-json-{Key}",
            "--attr", $"key={Key}");
        Assert.Single(signal!["runIds"]!.AsArray()); // what a script needs to follow the run the signal started
        Assert.NotNull(signal["signalId"]);
        Assert.False(signal["correlated"]!.GetValue<bool>());
        var file = Path.Combine(Directory.CreateTempSubdirectory("signals-").FullName, "signals.json");
        await File.WriteAllTextAsync(file, $$"""[{"source":"cli","type":"cli.test","severity":"low","fingerprint":"cli-json-file-{{Key}}"}]""");
        await Json(Api.Ingest, "signal", "--file", file);

        var started = await Json(Api.Commander, "run", "start", id, "test-people", "--input", $"key={Key}");
        var runId = started!["runId"]!.GetValue<string>();
        await Json(Api.Commander, "run", "show", id, runId);

        var tasks = await RunScenarios.Eventually(() => Json(Rui, "task", "list", "--mine", "--incident", id), t => t!.AsArray().Count == 1);
        var taskId = tasks!.AsArray()[0]!["taskId"]!.GetValue<string>();
        await Json(Rui, "task", "ack", taskId);
        await Json(Rui, "task", "complete", taskId, "--output", "readers=ann");
        var approvals = await RunScenarios.Eventually(() => Json(Lena, "approval", "list", "--mine", "--incident", id), a => a!.AsArray().Count == 1);
        var approvalId = approvals!.AsArray()[0]!["approvalId"]!.GetValue<string>();
        await Json(Lena, "approve", approvalId, "--comment", "fine");
        await Json(Pia, "reject", approvalId, "--comment", "not yet");
        await Host.RunEnded(Guid.Parse(id), Guid.Parse(runId));

        var other = (await Json(Api.Commander, "run", "start", id, "test-people", "--input", $"key={Key}-2"))!["runId"]!.GetValue<string>();
        await Json(Api.Commander, "run", "cancel", id, other, "--reason", "enough");

        await Json(Api.Commander, "playbook", "list");
        var hash = (await Json(Api.Commander, "playbook", "versions", "test-people"))!.AsArray()[0]!["hash"]!.GetValue<string>();
        await Json(Api.Commander, "playbook", "diff", "test-people", "--from", hash);
        await Json(Api.Commander, "playbook", "replay", Path.Combine(Fixture.Playbooks, "test-people.yaml"), "--incident", id);
        await Json(Api.Commander, "access-log", id);
        await Json(Api.Commander, "playbook", "dry-run", "test-people", "--input", $"key={Key}");
        await Json(Rui, "dataset", "list");
        await Json(Rui, "dataset", "show", "hr.employee_activity");
        Assert.NotNull((await Json(Pia, "dataset", "grants", "hr.employee_activity"))!["grants"]); // the whole answer, as read
        Assert.NotNull((await Json(Pia, "dataset", "who-could-read", "hr.employee_activity", "--at", DateTimeOffset.UtcNow.ToString("O")))!["entries"]);
        var reader = $"cli_reader_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create role {reader} nologin");
        var request = (await Json(Rui, "access", "request", "--dataset", "hr.employee_activity", "--grantee", reader, "--purpose", "analytics", "--for", "5d",
            "--reason", "a study", "--ticket", "PRIV-1"))!["requestId"]!.GetValue<string>();
        Assert.Equal("pending", (await Json(Rui, "access", "show", request))!["status"]!.GetValue<string>());
        Assert.Contains((await Json(Pia, "access", "list"))!.AsArray(), r => r!["requestId"]!.GetValue<string>() == request); // asked to decide
        Assert.Contains((await Json(Rui, "access", "list", "--status", "pending", "--mine", "--dataset", "hr.employee_activity"))!.AsArray(),
            r => r!["requestId"]!.GetValue<string>() == request);
        var notYet = await Host.Incident(Rui, "access", "extend", request, "--for", "5d", "--reason", "longer");
        Assert.True(notYet.ExitCode == ExitCodes.Conflict, $"{notYet.ExitCode}: {notYet.Error}"); // only a granted request is extended
        Assert.Contains("Only a granted request is extended", notYet.Error);
        await Json(Rui, "access", "revoke", request, "--reason", "asked by mistake");
        Assert.Equal("withdrawn", (await Json(Rui, "access", "show", request))!["status"]!.GetValue<string>());
        var hana = Tokens.For("hana.hr-data", Roles.Responder);
        var (reviewed, standing) = await Fixture.CatalogueTableAsync(Key);
        try
        {
            var review = (await Json(Pia, "access", "review", "open", "--dataset", reviewed, "--within", "7d"))!["reviewId"]!.GetValue<string>();
            Assert.Contains((await Json(hana, "access", "review", "list", "--dataset", reviewed, "--status", "open"))!.AsArray(),
                r => r!["id"]!.GetValue<string>() == review);
            Assert.Equal(standing, (await Json(hana, "access", "review", "show", review))!["items"]!.AsArray()[0]!["grantee"]!.GetValue<string>());
            var neither = await Host.Incident(hana, "access", "review", "answer", review, "--grantee", standing);
            Assert.Equal(ExitCodes.Usage, neither.ExitCode);
            // Its task opens just after the review does (202: accepted).
            await RunScenarios.Eventually(async () => (await Host.Get($"/api/tasks?mine=true&incident={review}", hana)).ReadJson(), t => t.GetArrayLength() == 1);
            await Json(hana, "access", "review", "answer", review, "--grantee", standing, "--keep", "--reason", "the analysts' reports");
            var candidate = Path.Combine(Path.GetTempPath(), $"{reviewed}-{Key}.yaml");
            await File.WriteAllTextAsync(candidate, (await File.ReadAllTextAsync(Path.Combine(Fixture.Catalogue, $"{reviewed}.yaml")))
                .Replace($"standing: [{standing}]", "standing: []"));
            Assert.Equal(standing, (await Json(hana, "dataset", "replay", candidate))!["standingDropped"]!.AsArray().Single()!.GetValue<string>());
            File.Delete(candidate);
        }
        finally
        {
            await Fixture.Uncatalogue(reviewed);
        }
        var datasetHash = (await Json(Rui, "dataset", "versions", "hr.employee_activity"))!.AsArray()[0]!["hash"]!.GetValue<string>();
        await Json(Rui, "dataset", "diff", "hr.employee_activity", "--from", datasetHash);
        await Json(Api.Admin, "dataset", "reload");
        await Json(Api.Admin, "playbook", "reload");
        await Json(Api.Commander, "timeline", id);
        await Json(Api.Commander, "verify", id);
        await Json(Api.Commander, "evidence", id);
        await Json(Api.Commander, "metrics");
        await Json(Api.Commander, "metrics", "--weekly", "--since", "90d", "--severity", "high,critical");
        await Json(Api.Commander, "status", id, "resolved", "--reason", "done");

        await Json(Api.Commander, "status", id, "reviewing");
        await Json(Api.Commander, "review", "write", id, "--root-cause", "An all-staff group grant", "--people", "412 employees");
        await Json(Api.Commander, "review", "decide", id, "Every AI-training dataset gets an owner");
        var written = (await Json(Api.Commander, "review", "show", id))!["review"]!;
        Assert.Equal("412 employees", written["impact"]!["people"]!.GetValue<string>());
        Assert.Equal(ExitCodes.Usage, (await Host.Incident(Api.Commander, "review", "write", id)).ExitCode);
        var closing = await Host.Incident(Api.Commander, "status", id, "closed");
        Assert.Equal(ExitCodes.Conflict, closing.ExitCode);
        Assert.Contains("wentWell: What went well is not written yet.", closing.Error);

        var followUp = (await Json(Api.Commander, "followup", "create", id, "--title", "Give the dataset an owner", "--owner", "rui.responder", "--due", "30d",
            "--tag", "safeguard", "--tag", "programme:ai-training"))!["followUpId"]!.GetValue<string>();
        var listed = (await Json(Rui, "followup", "list", "--mine", "--incident", id))!.AsArray();
        Assert.Equal(["safeguard", "programme:ai-training"], listed.Single()!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        await Json(Rui, "followup", "export", followUp, "--tracker", "github");
        await RunScenarios.Eventually(async () => (await Json(Rui, "followup", "show", followUp))!["links"]!.AsArray(), l => l.Count == 1);
        Assert.Equal(ExitCodes.Usage, (await Host.Incident(Rui, "followup", "export", followUp)).ExitCode);
        await Json(Rui, "followup", "status", followUp, "in-progress");
        await Json(Rui, "followup", "done", followUp);
        Assert.Equal("done", (await Json(Rui, "followup", "show", followUp))!["status"]!.GetValue<string>());
        Assert.Equal(ExitCodes.Usage, (await Host.Incident(Rui, "followup", "status", followUp, "finished")).ExitCode);
        var noReason = await Host.Incident(Rui, "followup", "status", followUp, "wont-do");
        Assert.Contains("reason", noReason.Error);
    }

    [Fact]
    public async Task a_signal_tells_people_which_runs_it_started()
    {
        var said = await Host.Incident(Api.Ingest, "signal", "--source", "cli", "--type", "test.trigger", "--severity", "high", "--fingerprint",
            $"cli-said-{Key}", "--attr", $"key={Key}");
        Assert.True(said.ExitCode == 0, said.Error);
        // The whole output in the message: once in CI this failed and xunit's shortened value hid why.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(said.Out.Trim(), @"^Opened incident [0-9a-f-]{36}; started test-triggered \(run [0-9a-f-]{36}\)\.$"),
            $"printed: {said.Out}");
        // An attribute that looks like a number is text as typed: the playbook's text input 'key' takes it, leading zero and all.
        var digits = "0" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var numeric = await Host.Incident(Api.Ingest, "signal", "--source", "cli", "--type", "test.trigger", "--severity", "high", "--fingerprint",
            $"cli-digits-{Key}", "--attr", $"key={digits}");
        Assert.True(numeric.Out.Contains("; started test-triggered (run "), $"printed: {numeric.Out}{numeric.Error}");
        var quiet = await Host.Incident(Api.Ingest, "signal", "--source", "cli", "--type", "test.trigger", "--severity", "high", "--fingerprint",
            $"cli-said-{Key}", "--attr", $"key={Key}", "-q");
        Assert.Matches("^[0-9a-f-]{36}$", quiet.Out.Trim()); // -q keeps printing the incident's id
    }
}
