namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// The service as it is deployed: <c>ops/test</c> publishes it once (<c>INCIDENT_PUBLISHED</c>); a test run alone
/// publishes it itself, once per test process.
/// </summary>
public static class PublishedBuild
{
    private static readonly Lazy<Task<string>> Folder = new(FindOrPublishAsync);

    public static Task<string> FolderAsync() => Folder.Value;

    private static async Task<string> FindOrPublishAsync()
    {
        if (Environment.GetEnvironmentVariable("INCIDENT_PUBLISHED") is { Length: > 0 } given) return given;
        var output = Directory.CreateTempSubdirectory("published-").FullName;
        var publish = await Processes.RunAsync("bash", [Path.Combine(Repository.Root, "ops", "publish"), output]);
        if (publish.Code != 0) throw new InvalidOperationException($"ops/publish failed:\n{publish.Output}");
        return output;
    }
}
