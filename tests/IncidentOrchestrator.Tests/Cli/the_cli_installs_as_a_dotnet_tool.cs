using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Cli;

/// <summary><c>incident</c> ships the .NET way: a tool package that <c>dotnet tool install</c> takes from a feed.</summary>
public sealed class the_cli_installs_as_a_dotnet_tool
{
    [Fact]
    public async Task it_installs_from_a_local_feed_and_answers_version_and_help()
    {
        // ops/test packs it into a local feed (INCIDENT_CLI_FEED); without one, the test packs it itself.
        var feed = Environment.GetEnvironmentVariable("INCIDENT_CLI_FEED") is { Length: > 0 } given ? given : await PackAsync();
        var tools = Directory.CreateTempSubdirectory("incident-tool-");
        try
        {
            var install = await Processes.RunAsync("dotnet", ["tool", "install", "IncidentOrchestrator.Cli", "--tool-path", tools.FullName, "--add-source", feed,
                "--ignore-failed-sources", "--version", "0.1.0"]);
            Assert.True(install.Code == 0, install.Output);

            var version = await Processes.RunAsync(Path.Combine(tools.FullName, "incident"), ["--version"]);
            Assert.Equal(0, version.Code);
            Assert.StartsWith("0.1.0", version.Output.Trim());
            var help = await Processes.RunAsync(Path.Combine(tools.FullName, "incident"), ["task", "complete", "--help"]);
            Assert.Contains("Example:", help.Output);

            // bash completes through the installed tool, as a person's shell would after: source <(incident completion bash)
            var completed = await Processes.RunAsync("bash", ["-c", """
                source <(incident completion bash)
                COMP_LINE="incident run s"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(incident run s); COMP_CWORD=2
                _incident_complete; echo "${COMPREPLY[*]}"
                """], new() { ["PATH"] = $"{tools.FullName}:{Environment.GetEnvironmentVariable("PATH")}" });
            Assert.True(completed.Code == 0, completed.Output);
            Assert.Equal("show skip start", completed.Output.Trim());
        }
        finally
        {
            tools.Delete(recursive: true);
        }
    }

    private static async Task<string> PackAsync()
    {
        var feed = Directory.CreateTempSubdirectory("incident-feed-").FullName;
        var pack = await Processes.RunAsync("dotnet", ["pack", Path.Combine(Repository.Root, "src", "IncidentOrchestrator.Cli"), "-c", "Release", "-o", feed, "-v", "q", "-nologo"]);
        Assert.True(pack.Code == 0, pack.Output);
        return feed;
    }
}
