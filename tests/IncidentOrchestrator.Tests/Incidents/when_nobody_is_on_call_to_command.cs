using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Incidents;

/// <summary>This host configures no commander rotation.</summary>
public sealed class when_nobody_is_on_call_to_command(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task the_incident_still_opens_and_the_gap_is_loud()
    {
        var opened = await Host.SendSignal(Scenarios.Signal("warehouse:nobody:on-call"));
        var declared = await Host.DeclareIncident("Declared by a commander");

        Assert.Null((await Host.Incident(opened.IncidentId, Api.Admin)).Commander);
        var gap = Assert.Single(await Host.Timeline(opened.IncidentId, Api.Admin), e => e.Type == "CommanderUnassigned");
        Assert.Contains("no commander rotation is configured", gap.Summary);
        Assert.Equal([opened.IncidentId], (await Host.Incidents("?commander=none", Api.Admin)).Select(i => i.Id));
        Assert.Equal("cora.commander", (await Host.Incident(declared)).Commander);

        var ready = (await Host.Send(HttpMethod.Get, "/health/ready", token: null)).ReadJson();
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        var reason = ready.GetProperty("checks").GetProperty("commanders").GetProperty("description").GetString();
        Assert.Contains("Incidents__CommanderRotation", reason);
        Assert.Contains("1 open incident(s) have no commander", reason);

        // A commander who can see it takes command.
        await Host.Post($"/api/incidents/{opened.IncidentId}/commander", new { subject = "cora.commander" }, Api.Commander, expect: 204);
        Assert.Empty(await Host.Incidents("?commander=none", Api.Admin));
    }
}
