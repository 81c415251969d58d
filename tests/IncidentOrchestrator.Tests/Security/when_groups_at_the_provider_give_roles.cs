using System.Security.Claims;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Security;

/// <summary>
/// A directory's groups are the one place that says who is a commander: <c>Auth__Oidc__GroupRoles__&lt;group&gt;=&lt;role&gt;</c>
/// turns the groups a token from the console's identity provider carries into roles, for bearer tokens from that provider
/// (here a local stand-in that signs with its own RSA key); the console's sign-in reads them with the same rule.
/// </summary>
public sealed class when_groups_at_the_provider_give_roles
{
    [Fact]
    public async Task a_token_carrying_groups_only_gets_the_roles_its_groups_map_to_and_nothing_more()
    {
        await using var provider = await StandInIdentityProvider.StartAsync();
        var authority = provider.Authority;

        Dictionary<string, string> Settings(string providerOfTheConsole) => new()
        {
            ["Auth:Authority"] = authority, ["Auth:Issuer"] = authority, ["Auth:RequireHttpsMetadata"] = "false", // the stand-in speaks plain HTTP
            ["Auth:Oidc:Authority"] = providerOfTheConsole,
            ["Auth:Oidc:GroupRoles:incident-commanders"] = "commander", ["Auth:Oidc:GroupRoles:security-leads"] = "leadership",
        };
        await using var host = await AppFixture.StartHostAsync(await TestDatabase.CreateDatabaseAsync("groups"), settings: Settings(authority));
        string Token(params string[] groups) =>
            provider.Token([new Claim("sub", "gia.groups"), new Claim("name", "Gia"), .. groups.Select(g => new Claim("groups", g))]);

        // No role claim at all: the group gives commander, so declaring works.
        var commander = Token("incident-commanders", "everyone");
        var declared = await host.Post("/api/incidents", new { title = "Declared by a group", severity = "high", restricted = false, summary = "groups" }, commander, expect: 201);
        var id = declared.ReadJson().GetProperty("id").GetGuid();
        Assert.Equal("gia.groups", (await host.Get($"/api/incidents/{id}", commander)).ReadJson().GetProperty("commander").GetString());

        // Leadership reads the figures but may not declare; a group that maps to nothing gives nothing.
        var lead = Token("security-leads");
        await host.Get("/api/metrics/summary", lead);
        await host.Post("/api/incidents", new { title = "No", severity = "high", restricted = false, summary = "no" }, lead, expect: 403);
        await host.Get("/api/incidents", Token("everyone"), expect: 403);

        // Groups give roles only in tokens from the console's own provider: where the API trusts another authority, they give none.
        await using var elsewhere = await AppFixture.StartHostAsync(await TestDatabase.CreateDatabaseAsync("groups2"), settings: Settings("https://sso.example.org"));
        await elsewhere.Get("/api/incidents", commander, expect: 403);
    }

    [Fact]
    public void a_mapping_to_a_role_the_service_does_not_have_is_named_at_start()
    {
        var problems = ProviderClaims.Problems(new OidcOptions { GroupRoles = new() { ["incident-commanders"] = "comander" } });

        Assert.Equal(["Auth__Oidc__GroupRoles__incident-commanders=comander: 'comander' is not a role (commander, responder, leadership, privacy, admin, ingest)"], problems);
    }

    [Fact]
    public void the_providers_own_role_claim_and_its_groups_give_roles_once_each()
    {
        var identity = new ClaimsIdentity([new Claim("roles", "responder"), new Claim("memberOf", "ir"), new Claim("memberOf", "ir-leads"), new Claim("role", "responder")]);

        ProviderClaims.AddRoles(identity, new OidcOptions
        {
            RoleClaim = "roles", GroupClaim = "memberOf", GroupRoles = new() { ["ir"] = "responder", ["ir-leads"] = "commander" },
        });

        Assert.Equal(["responder", "commander"], identity.FindAll("role").Select(c => c.Value));
    }
}
