using System.Text.RegularExpressions;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Hosting;

/// <summary>
/// The OpenAPI document is good enough for a real generator: Kiota generates a C# client from what the running service
/// serves, and a program written against that client (tests/IncidentOrchestrator.GeneratedClient) calls two endpoints
/// and gets a typed problem for a third. The service runs as a process on a port, as the browser tests use it.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class a_client_generated_from_the_openapi_document(ConsoleFixture fixture)
{
    private static readonly string Project = Path.Combine(Repository.Root, "tests", "IncidentOrchestrator.GeneratedClient");

    [Fact]
    public async Task calls_the_service_and_gets_typed_problems_back()
    {
        var document = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        using (var http = new HttpClient())
            await File.WriteAllTextAsync(document, await http.GetStringAsync($"{fixture.Url}/openapi/v1.json"));
        try
        {
            var generate = await Processes.RunAsync("dotnet", ["kiota", "generate", "-l", "CSharp", "-d", document, "-c", "IncidentsApiClient",
                "-n", "Generated.Incidents", "-o", Path.Combine(Project, "Generated"), "--clean-output", "--exclude-backward-compatible"]);
            Assert.True(generate.Code == 0, $"Kiota did not generate the client (ops/test runs dotnet tool restore first):\n{generate.Output}");

            var token = Tokens.For("automation", Roles.Ingest, Roles.Commander, Roles.Admin);
            var run = await Processes.RunAsync("dotnet", ["run", "--project", Project, "-c", "Release", "--", fixture.Url, token]);
            Assert.True(run.Code == 0, run.Output);

            var opened = Opened().Match(run.Output);
            Assert.True(opened.Success, run.Output);
            Assert.Contains("refused 404 | Incident not found", run.Output);
            using var check = new HttpClient { DefaultRequestHeaders = { { "Authorization", $"Bearer {token}" } } };
            Assert.Contains("Found through a generated client", await check.GetStringAsync($"{fixture.Url}/api/incidents/{opened.Groups[1].Value}"));
        }
        finally
        {
            File.Delete(document);
        }
    }

    [GeneratedRegex(@"opened ([0-9a-f-]{36}) \| Found through a generated client \| High \| signals 1")]
    private static partial Regex Opened();
}
