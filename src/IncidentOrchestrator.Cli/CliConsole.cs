namespace IncidentOrchestrator.Cli;

/// <summary>
/// Where the CLI writes: results on standard output, errors on standard error (tests pass their own writers), and whether
/// standard output is a terminal a person reads (colours, live tables) or a file or pipe (plain lines).
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    /// <summary>Standard input, for commands that read a file named <c>-</c>.</summary>
    public TextReader In { get; init; } = TextReader.Null;

    public bool IsTerminal { get; init; }

    public int Width { get; init; } = 120;

    /// <summary>The process's own console.</summary>
    public static CliConsole System()
    {
        if (OperatingSystem.IsWindows())
        {
            // Windows' console starts in its legacy code page, where accents and � come out as other characters and an export
            // piped to a file is no longer what the service wrote; everywhere else the console already speaks UTF-8.
            Console.OutputEncoding = new global::System.Text.UTF8Encoding(false);
            Console.InputEncoding = new global::System.Text.UTF8Encoding(false);
        }
        var terminal = !Console.IsOutputRedirected;
        var width = 120;
        try
        {
            if (terminal && Console.WindowWidth > 20) width = Console.WindowWidth;
        }
        catch (IOException)
        {
        }
        return new CliConsole(Console.Out, Console.Error) { IsTerminal = terminal, Width = width, In = Console.In };
    }
}

/// <summary>The exit codes scripts can rely on.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotFoundOrForbidden = 3;
    public const int Conflict = 4;
    public const int Unreachable = 5;
}

/// <summary>A request the service answered with an error, or could not be made: its exit code and what to tell the person.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
