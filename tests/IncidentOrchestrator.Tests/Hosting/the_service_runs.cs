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
    public async Task an_incident_survives_a_restart_of_the_service()
    {
        var accepted = await Host.SendSignal(Scenarios.Signal("fp-restart"));

        await using var restarted = await AppFixture.StartHostAsync(Fixture.ConnectionString);

        var incident = await restarted.Incident(accepted.IncidentId);
        Assert.Equal(1, incident.SignalCount);
        Assert.True((await restarted.SendSignal(Scenarios.Signal("fp-restart"))).Correlated);
    }
}
