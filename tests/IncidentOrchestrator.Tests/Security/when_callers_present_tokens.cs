using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Security;

public sealed class when_callers_present_tokens(AppFixture fixture) : IntegrationContext(fixture)
{
    public static TheoryData<string?> BadTokens => new()
    {
        null,
        Tokens.Expired("cora.commander", Roles.Commander),
        Tokens.SignedWithAnotherKey("cora.commander", Roles.Commander),
        "not-a-jwt",
        UnsignedToken(),
    };

    [Theory, MemberData(nameof(BadTokens))]
    public async Task a_missing_expired_forged_or_malformed_token_gets_401(string? token)
    {
        var result = await Host.Send(HttpMethod.Post, "/api/signals", token, Scenarios.Signal("fp-401"), expect: 401);

        Assert.Equal("application/problem+json", result.Context.Response.ContentType);
        await Host.Send(HttpMethod.Get, "/api/incidents", token, expect: 401);
        Assert.Empty(await Host.Incidents());
    }

    [Fact]
    public async Task a_role_that_may_not_do_the_thing_gets_403()
    {
        await Host.Post("/api/signals", Scenarios.Signal("fp-403"), Api.Responder, expect: 403);
        await Host.Post("/api/signals", Scenarios.Signal("fp-403"), Api.Leadership, expect: 403);
        await Host.Post("/api/incidents", new { title = "t", severity = "low" }, Api.Responder, expect: 403);
        await Host.Post("/api/incidents", new { title = "t", severity = "low" }, Api.Ingest, expect: 403);
        await Host.Get("/api/incidents", Api.Ingest, expect: 403);
        Assert.Empty(await Host.Incidents());
    }

    [Fact]
    public async Task a_commander_may_send_signals_and_leadership_may_read()
    {
        var accepted = await Host.SendSignal(Scenarios.Signal("fp-ok"), Api.Commander);
        Assert.Equal(accepted.IncidentId, (await Host.Incident(accepted.IncidentId, Api.Leadership)).Id);
    }

    [Fact]
    public async Task a_restricted_incident_is_404_to_those_without_need_to_know_until_they_are_added()
    {
        var id = await Host.DeclareIncident(restricted: true);

        await Host.Get($"/api/incidents/{id}", Api.Responder, expect: 404);
        await Host.Get($"/api/incidents/{id}/timeline", Api.Responder, expect: 404);
        Assert.Empty(await Host.Incidents(token: Api.Responder));
        var otherCommander = Tokens.For("carl.commander", Roles.Commander);
        await Host.Post($"/api/incidents/{id}/status", new { status = "closed" }, otherCommander, expect: 404);

        await Host.Post($"/api/incidents/{id}/participants", new { subject = "rui.responder" }, expect: 204);

        Assert.Equal(id, (await Host.Incident(id, Api.Responder)).Id);
        Assert.Single(await Host.Incidents(token: Api.Responder));
        Assert.Equal(id, (await Host.Incident(id, Api.Admin)).Id);
    }

    private static string UnsignedToken()
    {
        static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{B64("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{B64($"{{\"sub\":\"mallory\",\"role\":\"commander\",\"exp\":{exp}}}")}.";
    }
}
