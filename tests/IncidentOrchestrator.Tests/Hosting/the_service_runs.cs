using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Hosting;

public sealed class the_service_runs(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task health_answers_without_a_token()
    {
        await Host.Send(HttpMethod.Get, "/health/live", token: null);
        await Host.Send(HttpMethod.Get, "/health/ready", token: null);
    }

    [Fact]
    public async Task the_openapi_document_describes_the_api()
    {
        var document = (await Host.Send(HttpMethod.Get, "/openapi/v1.json", token: null)).ReadJson();

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/signals", "/api/signals/batch", "/api/incidents", "/api/incidents/{id}", "/api/incidents/{id}/timeline" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
    }

    [Fact]
    public async Task the_openapi_document_tells_a_generated_client_to_send_a_bearer_token_and_what_errors_to_expect()
    {
        var document = (await Host.Send(HttpMethod.Get, "/openapi/v1.json", token: null)).ReadJson();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("security")[0].TryGetProperty("bearer", out _));

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Method: o.Name, Operation: o.Value))).ToList();
        Assert.DoesNotContain(operations, o => !o.Path.StartsWith("/api")); // the console is for people
        Assert.True(operations.Count > 30, $"only {operations.Count} operations are described");
        foreach (var (path, method, operation) in operations.Where(o => o.Path.StartsWith("/api")))
        {
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "401", "403", "429" })
                Assert.True(responses.TryGetProperty(status, out var r) && r.GetProperty("content").TryGetProperty("application/problem+json", out _),
                    $"{method} {path} does not describe its {status}");
            if (path.Contains('{')) Assert.True(responses.TryGetProperty("404", out _), $"{method} {path} does not describe its 404");
            Assert.True(operation.TryGetProperty("tags", out var tags) && tags.GetArrayLength() == 1, $"{method} {path} has no tag");
            Assert.True(OpenApiOperations.All.ContainsKey($"{method.ToUpperInvariant()} {path}"), $"{method} {path} has no summary");
        }
        Assert.Equal(OpenApiOperations.All.Keys.Order(), operations.Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").Order()); // none stale

        // Examples of what people send and get most: a signal, and a run.
        var signal = document.GetProperty("paths").GetProperty("/api/signals").GetProperty("post");
        Assert.Equal("Send a detection signal", signal.GetProperty("summary").GetString());
        Assert.Equal("dataset.acl_drift", signal.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example")
            .GetProperty("type").GetString());
        Assert.True(signal.GetProperty("responses").GetProperty("202").GetProperty("content").GetProperty("application/json").GetProperty("example")
            .TryGetProperty("incidentId", out _));
        var run = document.GetProperty("paths").GetProperty("/api/incidents/{id}/runs").GetProperty("post");
        Assert.Equal("sensitive-data-exposure", run.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example")
            .GetProperty("playbook").GetString());
        Assert.All(document.GetProperty("tags").EnumerateArray(), t => Assert.False(string.IsNullOrEmpty(t.GetProperty("description").GetString())));
    }

    [Fact]
    public async Task a_real_openapi_linter_finds_no_error_in_the_document()
    {
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, (await Host.Send(HttpMethod.Get, "/openapi/v1.json", token: null)).ReadAsText());
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("redocly", ["lint", file, "--format=json"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath(),
            };
            System.Diagnostics.Process lint;
            try
            {
                lint = System.Diagnostics.Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("Redocly CLI is not installed: npm install -g @redocly/cli@2.77.0 (ops/test does it).", e);
            }
            var output = await lint.StandardOutput.ReadToEndAsync();
            await lint.WaitForExitAsync();
            var totals = System.Text.Json.JsonDocument.Parse(output[output.IndexOf('{')..]).RootElement.GetProperty("totals");
            Assert.True(totals.GetProperty("errors").GetInt32() == 0, $"Redocly found errors in the OpenAPI document:\n{output}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task an_incident_survives_a_restart_of_the_service()
    {
        var accepted = await Host.SendSignal(Scenarios.Signal("fp-restart"));

        await using var restarted = await AppFixture.StartHostAsync(Fixture.ConnectionString);

        var incident = await restarted.Incident(accepted.IncidentId);
        Assert.Equal(1, incident.SignalCount);
        Assert.True((await restarted.SendSignal(Scenarios.Signal("fp-restart"))).Correlated);
    }
}
