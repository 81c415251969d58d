using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Incidents;

public sealed class when_a_signal_opens_an_incident_the_commander_on_duty_takes_it(RunsFixture fixture) : RunContext(fixture)
{
    private static readonly string Ivy = Tokens.For(RunsFixture.OnCallCommander, Roles.Commander);
    private static readonly string Otto = Tokens.For("otto.commander", Roles.Commander);
    private static readonly string Max = Tokens.For("max.commander", Roles.Commander);

    [Fact]
    public async Task the_on_call_commander_finds_and_reads_a_restricted_incident_others_cannot_see_until_command_is_handed_over()
    {
        // A scanner's signal triggers a restricted playbook: a need-to-know incident.
        var opened = await Host.SendSignal(Scenarios.Signal($"scanner:{Key}", type: "test.trigger", attributes: new { key = Key }));

        var mine = (await Host.Get("/api/incidents?commander=me&restricted=true&limit=500", Ivy)).Read<IncidentView[]>();
        var incident = Assert.Single(mine, i => i.Id == opened.IncidentId);
        Assert.Equal(RunsFixture.OnCallCommander, incident.Commander);
        Assert.True(incident.Restricted);
        await Host.Get($"/api/incidents/{opened.IncidentId}/timeline", Ivy);
        var assigned = Assert.Single(await Host.Timeline(opened.IncidentId, Ivy), e => e.Type == "CommanderAssigned");
        Assert.Equal($"{RunsFixture.OnCallCommander} is the incident commander (on call in rotation incident-commanders)", assigned.Summary);

        // Another commander cannot see it, so cannot take it either.
        await Host.Get($"/api/incidents/{opened.IncidentId}", Otto, expect: 404);
        await Host.Post($"/api/incidents/{opened.IncidentId}/commander", new { subject = "otto.commander" }, Otto, expect: 404);
        Assert.DoesNotContain((await Host.Get("/api/incidents?limit=500", Otto)).Read<IncidentView[]>(), i => i.Id == opened.IncidentId);

        // The commander hands over: the new one reads it, the old one stays a participant.
        await Host.Post($"/api/incidents/{opened.IncidentId}/commander", new { subject = "otto.commander" }, Ivy, expect: 204);
        Assert.Equal("otto.commander", (await Host.Incident(opened.IncidentId, Otto)).Commander);
        await Host.Get($"/api/incidents/{opened.IncidentId}", Ivy);
        Assert.Contains(await Host.Timeline(opened.IncidentId, Otto), e => e.Type == "CommanderAssigned" && e.Summary == "ivy.commander handed command to otto.commander");

        // Only the commander (or an admin) hands over; a participant who is not the commander may not.
        await Host.Post($"/api/incidents/{opened.IncidentId}/commander", new { subject = "max.commander" }, Ivy, expect: 403);
        await Host.Post($"/api/incidents/{opened.IncidentId}/commander", new { subject = "max.commander" }, Max, expect: 404);
        await Host.Post($"/api/incidents/{opened.IncidentId}/commander", new { subject = "max.commander" }, Api.Admin, expect: 204);
        Assert.Equal("max.commander", (await Host.Incident(opened.IncidentId, Max)).Commander);
    }

    [Fact]
    public async Task a_hand_over_names_someone()
    {
        var incident = await Incident();
        var problem = (await Host.Post($"/api/incidents/{incident}/commander", new { subject = " " }, expect: 400)).Read<ProblemView>();
        Assert.Equal(["subject"], problem.Errors!.Keys);
    }
}
