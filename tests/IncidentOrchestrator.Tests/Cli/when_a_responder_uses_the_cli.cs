using System.Text.Json;
using IncidentOrchestrator.Cli;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Cli;

public sealed class when_a_responder_uses_the_cli(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_commander_declares_lists_reads_and_resolves_an_incident()
    {
        var declared = await Host.Incident(Api.Commander, "declare", "--title", "Activity data exposed", "--severity", "critical", "--restricted", "-q");
        Assert.Equal(0, declared.ExitCode);
        var id = declared.Out.Trim();

        var list = await Host.Incident(Api.Commander, "list", "--status", "open");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("Activity data exposed", list.Out);
        Assert.StartsWith("ID", list.Out);
        var json = JsonDocument.Parse((await Host.Incident(Api.Commander, "list", "-o", "json", "--mine")).Out).RootElement;
        Assert.Equal(id, json[0].GetProperty("id").GetString());
        Assert.Equal(id, (await Host.Incident(Api.Commander, "list", "-q", "--q", "exposed")).Out.Trim());

        var show = await Host.Incident(Api.Commander, "show", id);
        Assert.Contains("critical", show.Out);
        Assert.Contains("cora.commander", show.Out);
        var timeline = await Host.Incident(Api.Commander, "timeline", id);
        Assert.Contains("declared a critical incident", timeline.Out);

        Assert.Equal(0, (await Host.Incident(Api.Commander, "status", id, "resolved", "--reason", "grant revoked")).ExitCode);
        Assert.Equal("resolved", JsonDocument.Parse((await Host.Incident(Api.Commander, "show", id, "-o", "json")).Out).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task refusals_map_to_exit_codes_and_say_what_to_do()
    {
        var id = await Host.DeclareIncident("Restricted", "medium", restricted: true);

        var notFound = await Host.Incident(Api.Responder, "show", id.ToString());
        Assert.True(notFound.ExitCode == ExitCodes.NotFoundOrForbidden, notFound.Error + notFound.Out);
        Assert.Contains("Incident not found", notFound.Error);
        var forbidden = await Host.Incident(Api.Responder, "declare", "--title", "x", "--severity", "low");
        Assert.True(forbidden.ExitCode == ExitCodes.NotFoundOrForbidden, forbidden.Error);

        await Host.Incident(Api.Commander, "status", id.ToString(), "closed");
        var conflict = await Host.Incident(Api.Commander, "status", id.ToString(), "resolved");
        Assert.Equal(ExitCodes.Conflict, conflict.ExitCode);
        Assert.Contains("Status cannot change", conflict.Error);

        // The API's own severities are the option's choices: a severity it does not have is a usage error, before any request.
        var invalid = await Host.Incident(Api.Commander, "declare", "--title", "x", "--severity", "apocalyptic");
        Assert.Equal(ExitCodes.Usage, invalid.ExitCode);
        Assert.Contains("apocalyptic", invalid.Error);
        Assert.Contains("critical", invalid.Error);
        var anyCase = await Host.Incident(Api.Commander, "declare", "--title", "typed as people type", "--severity", "High", "-q");
        Assert.True(anyCase.ExitCode == 0, anyCase.Error); // as the API reads a body, the case of a severity's letters does not matter
        Assert.Equal("high", (await Host.Get($"/api/incidents/{anyCase.Out.Trim()}", Api.Commander)).ReadJson().GetProperty("severity").GetString());

        var signedOut = await Host.Incident("not-a-token", "list");
        Assert.Equal(ExitCodes.Failure, signedOut.ExitCode);
        Assert.Contains("incident login --url", signedOut.Error);

        Assert.Equal(ExitCodes.Usage, (await Host.Incident(Api.Commander, "status", id.ToString(), "exploded")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await Host.Incident(Api.Commander, "no-such-command")).ExitCode);
    }

    [Fact]
    public async Task it_cannot_reach_a_service_that_is_not_there()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await IncidentCli.RunAsync(["--url", $"http://127.0.0.1:{LocalPostgresCluster.FreePort()}", "--token", Api.Commander, "list"],
            new CliConsole(output, error), handler: null);
        Assert.Equal(ExitCodes.Unreachable, code);
        Assert.Contains("Cannot reach", error.ToString());
    }

    [Fact]
    public async Task a_signal_opens_an_incident_and_its_chain_verifies_online_and_offline_from_an_export()
    {
        var sent = await Host.Incident(Api.Commander, "signal", "--source", "cli", "--type", "scanner.finding", "--severity", "high",
            "--fingerprint", "cli:hr.x", "--title", "hr.x readable by all", "--attr", "dataset=hr.x", "--attr", "rows=500", "-q");
        Assert.Equal(0, sent.ExitCode);
        var id = sent.Out.Trim();
        Assert.Equal(0, (await Host.Incident(Api.Commander, "verify", id)).ExitCode);

        var export = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(export, (await Host.Get($"/api/incidents/{id}/export", Api.Admin)).ReadAsText());
            var offline = await Host.Incident(Api.Commander, "verify", "--file", export);
            Assert.Equal(0, offline.ExitCode);
            Assert.Contains("True", offline.Out);

            // Someone edits the exported history: the recomputed chain breaks there.
            var text = await File.ReadAllTextAsync(export);
            await File.WriteAllTextAsync(export, text.Replace("hr.x readable by all", "nothing to see"));
            var tampered = await Host.Incident(Api.Commander, "verify", "--file", export, "-o", "json");
            Assert.Equal(ExitCodes.Failure, tampered.ExitCode);
            Assert.False(JsonDocument.Parse(tampered.Out).RootElement.GetProperty("valid").GetBoolean());
        }
        finally
        {
            File.Delete(export);
        }
    }

    [Fact]
    public async Task leadership_reads_the_report_the_figures_and_the_access_log_from_the_terminal()
    {
        var id = (await Host.DeclareIncident("Reported from the terminal", restricted: true)).ToString();
        var folder = Directory.CreateTempSubdirectory("cli-records-");
        try
        {
            var report = Path.Combine(folder.FullName, "report.md");
            Assert.Equal(0, (await Host.Incident(Api.Commander, "report", id, "--out", report)).ExitCode);
            Assert.StartsWith("# Incident report: Reported from the terminal", await File.ReadAllTextAsync(report));

            var export = Path.Combine(folder.FullName, "export.json");
            Assert.Equal(0, (await Host.Incident(Api.Commander, "export", id, "--out", export)).ExitCode);
            Assert.Equal(0, (await Host.Incident(Api.Commander, "verify", "--file", export)).ExitCode);

            // The restricted incident counts for its commander, not for leadership, who may not see it.
            Assert.Equal(1, JsonDocument.Parse((await Host.Incident(Api.Commander, "metrics", "-o", "json")).Out).RootElement.GetProperty("incidents").GetInt32());
            Assert.Equal(0, JsonDocument.Parse((await Host.Incident(Api.Leadership, "metrics", "-o", "json")).Out).RootElement.GetProperty("incidents").GetInt32());
            var log = await Host.Incident(Api.Commander, "access-log", id);
            Assert.Contains("cora.commander", log.Out);
            Assert.Equal(ExitCodes.NotFoundOrForbidden, (await Host.Incident(Api.Leadership, "access-log", id)).ExitCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task inputs_are_sent_as_typed_and_read_by_the_types_the_playbook_declares()
    {
        string[] plan = ["--input", "dataset=hr.employee_activity", "--input", "reader=007", "--input", "rows=50000", "-o", "json"];
        foreach (var target in new[] { Path.Combine(AppFixture.RepositoryPlaybooks, "insider-bulk-download.yaml"), "insider-bulk-download" })
        {
            var result = await Host.Incident(Api.Commander, ["playbook", "dry-run", target, .. plan]);
            Assert.True(result.ExitCode == 0, result.Error);
            var revoke = JsonDocument.Parse(result.Out).RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "revoke-reader");
            Assert.Equal("run", revoke.GetProperty("disposition").GetString()); // rows is a number: 50000 >= 10000
            Assert.Equal("007", revoke.GetProperty("with").GetProperty("grantee").GetString()); // reader is text: 007 stays 007
        }
    }

    [Fact]
    public async Task a_playbook_is_dry_run_offline_from_its_file_and_by_the_service_from_its_name_alike()
    {
        string[] plan = ["--input", "dataset=hr.employee_activity", "--input", "grantee=all_engineers", "--decision", "revoke-grant=failed", "-o", "json"];
        var offline = await Host.Incident(Api.Commander, ["playbook", "dry-run", Path.Combine(AppFixture.RepositoryPlaybooks, "sensitive-data-exposure.yaml"), .. plan]);
        var online = await Host.Incident(Api.Commander, ["playbook", "dry-run", "sensitive-data-exposure", .. plan]);

        Assert.True(offline.ExitCode == 0, offline.Error);
        Assert.True(online.ExitCode == 0, online.Error);
        string[] Dispositions(string json) => JsonDocument.Parse(json).RootElement.GetProperty("steps").EnumerateArray()
            .Select(s => $"{s.GetProperty("id").GetString()}:{s.GetProperty("disposition").GetString()}").ToArray();
        Assert.Equal(Dispositions(online.Out), Dispositions(offline.Out));
        Assert.Contains("revoke-grant:escalate", Dispositions(offline.Out)); // the assumed failure is escalated, as the playbook says

        var missing = await Host.Incident(Api.Commander, "playbook", "dry-run", Path.Combine(AppFixture.RepositoryPlaybooks, "sensitive-data-exposure.yaml"));
        Assert.Equal(ExitCodes.Failure, missing.ExitCode);
        Assert.Contains("inputs.dataset", missing.Error);
        Assert.Equal(0, (await Host.Incident(Api.Commander, "playbook", "reload")).ExitCode);
    }

    [Fact]
    public async Task playbook_validate_prints_the_exact_lines_of_a_broken_file_and_exits_1()
    {
        var folder = Directory.CreateTempSubdirectory("cli-playbooks-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "broken.yaml"),
                "apiVersion: incidents/v1\nkind: Playbook\nname: Bad Name\ntitle: t\nsteps:\n  - id: a\n    action: incident.explode\n");
            File.Copy(Path.Combine(AppFixture.RepositoryPlaybooks, "insider-bulk-download.yaml"), Path.Combine(folder.FullName, "good.yaml"));

            var broken = await Host.Incident(Api.Commander, "playbook", "validate", Path.Combine(folder.FullName, "broken.yaml"));
            Assert.Equal(ExitCodes.Failure, broken.ExitCode);
            var lines = broken.Out.Trim().Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("broken.yaml:3:7: PB", lines[0]);
            Assert.StartsWith("broken.yaml:7:13: PB", lines[1]);

            var good = await Host.Incident(Api.Commander, "playbook", "validate", Path.Combine(folder.FullName, "good.yaml"));
            Assert.Equal(0, good.ExitCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task dataset_validate_prints_where_a_catalogue_file_is_wrong_and_list_and_show_read_the_service()
    {
        var folder = Directory.CreateTempSubdirectory("cli-catalogue-");
        try
        {
            var shipped = Path.Combine(Path.GetDirectoryName(AppFixture.RepositoryPlaybooks)!, "catalogue", "hr.employee_activity.yaml");
            File.Copy(shipped, Path.Combine(folder.FullName, "good.yaml"));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "broken.yaml"), (await File.ReadAllTextAsync(shipped))
                .Replace("name: hr.employee_activity", "name: hr.copy").Replace("classification: restricted", "classification: secret"));

            var broken = await Host.Incident(Api.Commander, "dataset", "validate", Path.Combine(folder.FullName, "broken.yaml"));
            Assert.Equal(ExitCodes.Failure, broken.ExitCode);
            Assert.StartsWith("broken.yaml:9:17: PB013", broken.Out.Trim());
            Assert.Equal(0, (await Host.Incident(Api.Commander, "dataset", "validate", Path.Combine(folder.FullName, "good.yaml"))).ExitCode);

            var listed = await Host.Incident(Api.Commander, "dataset", "list");
            Assert.Contains("hr.employee_activity", listed.Out);
            Assert.Contains("restricted", listed.Out);
            var shown = await Host.Incident(Api.Commander, "dataset", "show", "hr.employee_activity");
            Assert.Contains("2 of user:hana.hr-data, role:privacy", shown.Out);
            Assert.Contains("for 4h", shown.Out);
            Assert.Equal(ExitCodes.NotFoundOrForbidden, (await Host.Incident(Api.Commander, "dataset", "show", "hr.nothing")).ExitCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task a_scanner_sends_a_file_of_signals_through_standard_input()
    {
        var fingerprint = $"batch:{Guid.NewGuid():N}";
        var lines = string.Join('\n', Enumerable.Range(1, 3).Select(i =>
            $$"""{"source":"scanner","type":"scanner.finding","severity":"high","fingerprint":"{{fingerprint}}","title":"finding {{i}}"}"""));
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await IncidentCli.RunAsync(["--url", "http://localhost", "--token", Api.Commander, "signal", "--file", "-", "-o", "json"],
            new CliConsole(output, error) { In = new StringReader(lines) }, Host.Server.CreateHandler());

        Assert.True(code == 0, error.ToString());
        var results = JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.Equal([false, true, true], results.Select(r => r.GetProperty("correlated").GetBoolean()));
        Assert.Single(results.Select(r => r.GetProperty("incidentId").GetString()).Distinct());

        var broken = await Host.Incident(Api.Commander, "signal", "--file", Path.Combine(AppFixture.RepositoryPlaybooks, "sensitive-data-exposure.yaml"));
        Assert.Equal(ExitCodes.Usage, broken.ExitCode);
        Assert.Contains("not JSON signals", broken.Error);
        Assert.Equal(ExitCodes.Usage, (await Host.Incident(Api.Commander, "signal", "--source", "x")).ExitCode);
    }

    [Fact]
    public async Task a_commander_logs_in_once_and_hands_command_over()
    {
        var profile = Path.Combine(Path.GetTempPath(), $"incident-profile-{Guid.NewGuid():N}.json");
        Environment.SetEnvironmentVariable("INCIDENT_PROFILE", profile);
        try
        {
            Assert.Equal(ExitCodes.Failure, (await Host.Incident("not-a-token", "login")).ExitCode); // a token that does not work is not saved
            Assert.False(File.Exists(profile));
            var login = await Host.Incident(Api.Commander, "login");
            Assert.True(login.ExitCode == 0, login.Error);
            Assert.Contains("as cora.commander", login.Out);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(profile));

            // From now on the profile says where and as whom
            var (output, error) = (new StringWriter(), new StringWriter());
            var code = await IncidentCli.RunAsync(["declare", "--title", "Logged in once", "--severity", "low", "-q"], new CliConsole(output, error),
                Host.Server.CreateHandler());
            Assert.True(code == 0, error.ToString());
            var id = output.ToString().Trim();

            Assert.Equal(0, (await Host.Incident(Api.Commander, "commander", id, "otto.commander")).ExitCode);
            Assert.Equal("otto.commander", JsonDocument.Parse((await Host.Incident(Api.Admin, "show", id, "-o", "json")).Out).RootElement.GetProperty("commander").GetString());
            Assert.Equal(ExitCodes.NotFoundOrForbidden, (await Host.Incident(Api.Commander, "commander", id, "cora.commander")).ExitCode);
            Assert.Contains("(none)", (await Host.Incident(Api.Admin, "evidence", id)).Out);
        }
        finally
        {
            Environment.SetEnvironmentVariable("INCIDENT_PROFILE", null);
            File.Delete(profile);
        }
    }
}
