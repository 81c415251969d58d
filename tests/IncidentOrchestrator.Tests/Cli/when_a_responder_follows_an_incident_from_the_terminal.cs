using System.Text.Json;
using IncidentOrchestrator.Cli;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Cli;

public sealed class when_a_responder_follows_an_incident_from_the_terminal(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task timeline_follow_prints_a_signal_sent_while_it_follows_and_stops_on_interrupt()
    {
        var opened = await Host.Incident(Api.Commander, "signal", "--source", "scanner", "--type", "scanner.finding", "--severity", "high",
            "--fingerprint", "follow:hr.activity", "--title", "hr.activity readable by all", "-q");
        var id = opened.Out.Trim();

        var follow = Host.Start(Api.Commander, "timeline", id, "--follow", "--types", "SignalReceived,IncidentResolved", "--time-format", "iso");
        await follow.WaitForAsync(f => f.Error.Contains("Following new events"), "the follow to start");
        Assert.Contains("First high signal scanner.finding", follow.Out); // what was there before, first

        await Host.Incident(Api.Commander, "signal", "--source", "scanner", "--type", "scanner.finding", "--severity", "critical",
            "--fingerprint", "follow:hr.activity", "--title", "still readable, now by contractors too");
        await follow.WaitForAsync(f => f.Out.Contains("still readable, now by contractors too"), "the new signal to be printed");
        await Host.Incident(Api.Commander, "status", id, "resolved", "--reason", "grant revoked");
        await follow.WaitForAsync(f => f.Out.Contains("Incident resolved"), "the resolution to be printed");

        Assert.Equal(ExitCodes.Ok, await follow.InterruptAsync());
        var lines = follow.Out.Trim().Split('\n');
        Assert.StartsWith("#", lines[0]); // one header, then a line per event, in order, with ISO times
        Assert.Equal(3, lines.Length - 1);
        Assert.Matches(@"^\d+\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s", lines[1]);
        Assert.DoesNotContain("commander is the incident commander", follow.Out); // --types filtered the live events too
    }

    [Fact]
    public async Task the_event_stream_resumes_after_the_last_event_it_delivered()
    {
        var id = await Host.DeclareIncident("Resumed stream");
        await Host.Incident(Api.Commander, "participant", "add", id.ToString(), "rui");
        var follow = Host.Start(Api.Commander, "timeline", id.ToString(), "--follow", "-o", "jsonl");
        await follow.WaitForAsync(f => f.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 2, "the existing events");
        await Host.Incident(Api.Commander, "participant", "add", id.ToString(), "pia");
        await follow.WaitForAsync(f => f.Out.Contains("pia"), "the new event");
        await follow.InterruptAsync();

        var sequences = follow.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences); // each event once, none missed
    }

    [Fact]
    public async Task a_person_without_need_to_know_cannot_follow_a_restricted_incident()
    {
        var id = await Host.DeclareIncident("Restricted stream", restricted: true);
        var refused = await Host.Incident(Api.Responder, "timeline", id.ToString(), "--follow");
        Assert.Equal(ExitCodes.NotFoundOrForbidden, refused.ExitCode);
        Assert.Contains("Incident not found", refused.Error);
    }

    [Fact]
    public async Task people_get_tables_colours_and_relative_times_scripts_get_plain_text()
    {
        var id = (await Host.DeclareIncident("Coloured on a terminal")).ToString();

        var piped = await Host.Incident(Api.Commander, "show", id);
        Assert.DoesNotContain("\u001b[", piped.Out); // a pipe or a file gets no escape codes
        Assert.Matches(@"opened\s+(now|\d+s ago)", piped.Out);
        Assert.Matches(@"opened\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", (await Host.Incident(Api.Commander, "show", id, "--time-format", "iso")).Out);

        var terminal = await Host.Incident(Api.Commander, terminal: true, "list", "--q", "Coloured");
        Assert.Contains("\u001b[", terminal.Out);
        Assert.Contains("Coloured on a terminal", terminal.Out);
        Assert.Contains("\u001b[", (await Host.Incident(Api.Commander, "list", "--color", "always")).Out);
        Assert.DoesNotContain("\u001b[", (await Host.Incident(Api.Commander, terminal: true, "list", "--color", "never")).Out);

        Environment.SetEnvironmentVariable("NO_COLOR", "1");
        try
        {
            Assert.DoesNotContain("\u001b[", (await Host.Incident(Api.Commander, terminal: true, "list")).Out);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NO_COLOR", null);
        }
    }

    [Fact]
    public async Task a_development_token_from_the_cli_is_taken_by_the_service()
    {
        var minted = await Host.Incident("", "token", "create", "--sub", "rui", "--name", "Rui", "--role", "responder", "--key", Tokens.SigningKey);
        Assert.Equal(0, minted.ExitCode);
        var who = await Host.Incident(minted.Out.Trim(), "whoami", "-o", "json");
        Assert.True(who.ExitCode == 0, who.Error);
        Assert.Equal("rui", JsonDocument.Parse(who.Out).RootElement.GetProperty("subject").GetString());

        var unknownRole = await Host.Incident("", "token", "create", "--sub", "rui", "--role", "overlord", "--key", Tokens.SigningKey);
        Assert.Equal(ExitCodes.Usage, unknownRole.ExitCode);
        Assert.Contains("Known: commander", unknownRole.Error);
        Assert.Equal(ExitCodes.Usage, (await Host.Incident("", "token", "create", "--sub", "rui", "--role", "responder", "--key", "short")).ExitCode);
    }

    [Fact]
    public async Task the_shell_completes_commands_options_and_their_values()
    {
        // What the shell's script asks: incident [suggest:CURSOR] "LINE"
        static async Task<string> Suggest(string line)
        {
            var output = new StringWriter();
            await IncidentCli.RunAsync([$"[suggest:{line.Length}]", line], new CliConsole(output, new StringWriter()), handler: null);
            return output.ToString();
        }
        Assert.Equal("run", (await Suggest("incident ru")).Trim());
        var statuses = (await Suggest("incident list --status ")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["closed", "contained", "open", "resolved", "reviewing"], statuses);
        var script = await Host.Incident("", "completion", "bash");
        Assert.Contains("complete -o default -F _incident_complete incident", script.Out);
        Assert.Equal(ExitCodes.Usage, (await Host.Incident("", "completion", "fish")).ExitCode);
    }
}

public sealed class the_cli_explains_itself
{
    [Fact]
    public void every_command_has_help_with_an_example()
    {
        var root = IncidentCli.Build(new CliContext(new CliConsole(TextWriter.Null, TextWriter.Null), handler: null));
        IEnumerable<System.CommandLine.Command> Leaves(System.CommandLine.Command c) => c.Subcommands.Count == 0 ? [c] : c.Subcommands.SelectMany(Leaves);
        var leaves = Leaves(root).ToList();
        Assert.True(leaves.Count >= 35, $"only {leaves.Count} commands");
        Assert.All(leaves, c => Assert.True(c.Description?.Contains("\nExample: incident ") == true || c.Description?.Contains("\nExample (") == true
            || c.Description?.Contains("\nExample: export") == true || c.Description?.Contains("\nExample: source") == true,
            $"'{c.Name}' has no example in its help"));
    }
}
