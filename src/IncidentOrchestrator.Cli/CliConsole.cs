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

    /// <summary>
    /// Makes Windows' console speak UTF-8 until disposed, then gives it back its code pages (the console may be a window the
    /// person goes on using): it starts in a legacy code page, where accents and � come out as other characters and an export
    /// piped to a file is no longer what the service wrote. Everywhere else the console already speaks UTF-8, and this does nothing.
    /// </summary>
    public static IDisposable Utf8()
    {
        if (!OperatingSystem.IsWindows()) return new Restore(null, null);
        Restore restore;
        try
        {
            restore = new Restore(Console.OutputEncoding, Console.InputEncoding);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Restore(null, null); // no console at all (a scheduled task): what it writes goes to files, as UTF-8
        }
        try
        {
            Console.OutputEncoding = new global::System.Text.UTF8Encoding(false);
            Console.InputEncoding = new global::System.Text.UTF8Encoding(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // what could be set stays set until the restore below
        }
        return restore;
    }

    private sealed class Restore(global::System.Text.Encoding? output, global::System.Text.Encoding? input) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                if (output is not null) Console.OutputEncoding = output;
                if (input is not null) Console.InputEncoding = input;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The process's own console.</summary>
    public static CliConsole System()
    {
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
