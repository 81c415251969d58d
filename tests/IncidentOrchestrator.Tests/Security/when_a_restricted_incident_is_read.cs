using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Security;

public sealed class when_a_restricted_incident_is_read(AppFixture fixture) : IntegrationContext(fixture)
{
    private sealed record Entry(string Subject, string Endpoint, string Outcome, DateTimeOffset At);

    [Fact]
    public async Task every_read_is_recorded_with_who_which_endpoint_and_the_outcome()
    {
        var id = await Host.DeclareIncident("Activity data exposed", restricted: true);

        for (var i = 0; i < 3; i++) await Host.Incident(id);
        for (var i = 0; i < 2; i++) await Host.Timeline(id);
        await Host.Incidents();
        await Host.Get($"/api/incidents/{id}", Api.Responder, expect: 404);

        var log = (await Host.Get($"/api/incidents/{id}/access-log", Api.Admin)).Read<Entry[]>();

        Assert.Equal(3, log.Count(e => e.Endpoint == "GET /api/incidents/{id}" && e.Subject == "cora.commander" && e.Outcome == "allowed"));
        Assert.Equal(2, log.Count(e => e.Endpoint == "GET /api/incidents/{id}/timeline"));
        Assert.Single(log, e => e.Endpoint == "GET /api/incidents");
        Assert.Single(log, e => e.Subject == "rui.responder" && e.Outcome == "denied");
        Assert.Equal("ada.admin", log[^1].Subject); // reading the access log is itself a read
    }

    [Fact]
    public async Task an_open_incident_is_not_audited_and_the_access_log_is_for_commanders_and_admins()
    {
        var open = await Host.DeclareIncident("Open incident");
        await Host.Incident(open);
        Assert.Empty((await Host.Get($"/api/incidents/{open}/access-log", Api.Admin)).Read<Entry[]>());

        var restricted = await Host.DeclareIncident("Restricted", restricted: true);
        await Host.Get($"/api/incidents/{restricted}/access-log", Api.Leadership, expect: 403);
        await Host.Get($"/api/incidents/{restricted}/access-log", Tokens.For("carl.commander", Roles.Commander), expect: 404);
    }

    [Fact]
    public async Task a_read_that_cannot_be_recorded_is_refused_and_shows_nothing()
    {
        var id = await Host.DeclareIncident("Activity data exposed", restricted: true);
        await DatabaseOwner.ExecuteAsync(Fixture.ConnectionString, """
            create function incidents.audit_is_down() returns trigger language plpgsql as $$ begin raise exception 'audit storage is down'; end $$;
            create trigger audit_is_down before insert on incidents.mt_doc_incidentread for each row execute function incidents.audit_is_down();
            """);
        try
        {
            var refused = await Host.Get($"/api/incidents/{id}", expect: 503);
            Assert.DoesNotContain("Activity data exposed", refused.ReadAsText());
            await Host.Get($"/api/incidents/{id}/timeline", expect: 503);
            await Host.Get($"/api/incidents/{id}", Api.Responder, expect: 404); // a refusal stays a refusal
        }
        finally
        {
            await DatabaseOwner.ExecuteAsync(Fixture.ConnectionString,
                "drop trigger audit_is_down on incidents.mt_doc_incidentread; drop function incidents.audit_is_down()");
        }
        await Host.Get($"/api/incidents/{id}");
    }

    [Fact]
    public async Task k_reads_give_k_records()
    {
        var id = await Host.DeclareIncident("Activity data exposed", restricted: true);
        const int k = 25;
        await Task.WhenAll(Enumerable.Range(0, k).Select(_ => Host.Get($"/api/incidents/{id}/timeline")));

        var log = (await Host.Get($"/api/incidents/{id}/access-log", Api.Admin)).Read<Entry[]>();
        Assert.Equal(k, log.Count(e => e.Endpoint == "GET /api/incidents/{id}/timeline"));
    }
}
