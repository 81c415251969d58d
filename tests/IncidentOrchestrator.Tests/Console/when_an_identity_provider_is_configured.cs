using System.Web;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Console;

/// <summary>Production sign-in: the console sends people to the configured OpenID Connect provider, code flow with PKCE.</summary>
public sealed class when_an_identity_provider_is_configured
{
    [Fact]
    public async Task signing_in_to_the_console_starts_the_code_flow_at_the_provider()
    {
        await using var provider = await StandInIdentityProvider.StartAsync();
        var authority = provider.Authority;

        await using var host = await AppFixture.StartHostAsync(await TestDatabase.CreateDatabaseAsync("oidc"), settings: new Dictionary<string, string>
        {
            ["Auth:Oidc:Authority"] = authority, ["Auth:Oidc:ClientId"] = "incident-console", ["Auth:Oidc:ClientSecret"] = "secret",
            ["Auth:RequireHttpsMetadata"] = "false", // the stand-in answers over plain HTTP, which a deployment must allow on purpose
        });
        var signIn = await host.Scenario(x =>
        {
            x.Get.Url("/signin?returnUrl=/work");
            x.StatusCodeShouldBe(302);
        });

        var location = new Uri(signIn.Context.Response.Headers.Location.ToString());
        Assert.Equal($"{authority}/authorize", location.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("incident-console", query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.EndsWith("/signin-oidc", query["redirect_uri"]);
        // The API still takes only bearer tokens.
        await host.Scenario(x =>
        {
            x.Get.Url("/api/incidents");
            x.StatusCodeShouldBe(401);
        });
    }
}
