using System.Web;
using IncidentOrchestrator.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace IncidentOrchestrator.Tests.Console;

/// <summary>Production sign-in: the console sends people to the configured OpenID Connect provider, code flow with PKCE.</summary>
public sealed class when_an_identity_provider_is_configured
{
    [Fact]
    public async Task signing_in_to_the_console_starts_the_code_flow_at_the_provider()
    {
        // A provider that answers discovery (a local stand-in: this machine reaches no other).
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var provider = builder.Build();
        provider.MapGet("/.well-known/openid-configuration", (HttpContext c) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = $"{c.Request.Scheme}://{c.Request.Host}", ["authorization_endpoint"] = $"{c.Request.Scheme}://{c.Request.Host}/authorize",
            ["token_endpoint"] = $"{c.Request.Scheme}://{c.Request.Host}/token", ["jwks_uri"] = $"{c.Request.Scheme}://{c.Request.Host}/jwks",
            ["response_types_supported"] = new[] { "code" }, ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        provider.MapGet("/jwks", () => Results.Json(new { keys = Array.Empty<object>() }));
        await provider.StartAsync();
        var authority = provider.Urls.Single();

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
