using Alba;
using IncidentOrchestrator.Cli;

namespace IncidentOrchestrator.Tests.Cli;

/// <summary>Runs <c>incident</c> as a person would type it, against the test's service, and keeps what it printed and its exit code.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> Incident(this IAlbaHost host, string token, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await IncidentCli.RunAsync(["--url", "http://localhost", "--token", token, .. args], new CliConsole(output, error),
            host.Server.CreateHandler());
        return new Result(code, output.ToString(), error.ToString());
    }
}
