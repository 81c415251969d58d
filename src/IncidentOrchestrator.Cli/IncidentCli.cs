using System.CommandLine;

namespace IncidentOrchestrator.Cli;

/// <summary>
/// <c>incident</c>: the command-line client of the HTTP API. Results go to standard output (text, json or jsonl; ids
/// only with -q), errors to standard error with the problem's title, detail and field errors; exit codes 0 ok,
/// 1 failure, 2 usage, 3 not found or forbidden, 4 conflict, 5 cannot reach the server.
/// </summary>
public static class IncidentCli
{
    public static readonly Option<string?> Url = new("--url") { Description = "The service, e.g. http://127.0.0.1:5080 (else INCIDENT_URL, else the profile)", Recursive = true };
    public static readonly Option<string?> Token = new("--token") { Description = "A bearer token (else INCIDENT_TOKEN, else the profile)", Recursive = true };
    public static readonly Option<string> Format = new("--format", "-o")
    {
        Description = "text (for people), json or jsonl (for scripts)", Recursive = true, DefaultValueFactory = _ => "text",
    };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print ids only", Recursive = true };
    public static readonly Option<string> Color = new("--color")
    {
        Description = "auto (on a terminal, unless NO_COLOR is set), always or never", Recursive = true, DefaultValueFactory = _ => "auto",
    };
    public static readonly Option<string> TimeFormat = new("--time-format")
    {
        Description = "relative (5m ago), iso (UTC, to the second) or raw (as the API sends it)", Recursive = true, DefaultValueFactory = _ => "relative",
    };

    static IncidentCli()
    {
        Format.AcceptOnlyFromAmong("text", "json", "jsonl");
        Color.AcceptOnlyFromAmong("auto", "always", "never");
        TimeFormat.AcceptOnlyFromAmong("relative", "iso", "raw");
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, HttpMessageHandler? handler, CancellationToken ct = default)
    {
        var root = Build(new CliContext(console, handler));
        var parsed = root.Parse(args);
        var completing = args.Length > 0 && args[0].StartsWith("[suggest", StringComparison.Ordinal); // the shell completing a partial line
        if (parsed.Errors.Count > 0 && !completing)
        {
            foreach (var error in parsed.Errors) await console.Error.WriteLineAsync(error.Message);
            await console.Error.WriteLineAsync("See: incident --help");
            return ExitCodes.Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, ct);
    }

    /// <summary>Every command, with the global options.</summary>
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("incident: work with IncidentOrchestrator from a terminal or a script.\n" +
                                   "Example: incident login --url http://127.0.0.1:5080 --token $TOKEN && incident list --status open")
        {
            Url, Token, Format, Quiet, Color, TimeFormat,
        };
        foreach (var command in IncidentCommands.All(context).Concat(RunCommands.All(context)).Concat(WorkCommands.All(context))
                     .Concat(PlaybookCommands.All(context)).Concat(DatasetCommands.All(context)).Concat(AccessCommands.All(context)).Concat(FollowUpCommands.All(context)).Concat(RecordCommands.All(context)).Concat(TokenCommands.All(context))
                     .Concat(CompletionCommand.All(context)))
            root.Subcommands.Add(command);
        return root;
    }
}

/// <summary>What every command needs: where to print, how to reach the service, and a way to turn failures into exit codes.</summary>
public sealed class CliContext(CliConsole console, HttpMessageHandler? handler)
{
    public CliConsole Console { get; } = console;

    public Output Output(ParseResult r) => new(Console, new Output.Settings(r.GetValue(IncidentCli.Format) ?? "text", r.GetValue(IncidentCli.Quiet),
        Colour(r.GetValue(IncidentCli.Color)), r.GetValue(IncidentCli.TimeFormat) ?? "relative", DateTimeOffset.UtcNow));

    private bool Colour(string? choice) => choice switch
    {
        "always" => true,
        "never" => false,
        _ => Console.IsTerminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) && Environment.GetEnvironmentVariable("TERM") != "dumb",
    };

    public ApiClient Api(ParseResult r)
    {
        var profile = Profile.Load();
        var url = r.GetValue(IncidentCli.Url) ?? profile.Url
                  ?? throw new CliException(ExitCodes.Usage, "Which service? Run: incident login --url URL --token TOKEN (or set INCIDENT_URL).");
        return new ApiClient(ApiClient.CreateHttp(handler, r.GetValue(IncidentCli.Token) ?? profile.Token), url);
    }

    /// <summary>Runs a command's body; a refusal or an unreachable service becomes its message on stderr and its exit code.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Run(Func<ParseResult, CancellationToken, Task<int>> body) => async (r, ct) =>
    {
        try
        {
            return await body(r, ct);
        }
        catch (CliException e)
        {
            await Console.Error.WriteLineAsync(Cli.Output.Printable(e.Message));
            return e.ExitCode;
        }
    };
}
