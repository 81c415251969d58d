using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// An OpenID Connect provider on this machine (this machine reaches no other): it answers discovery and serves the public
/// half of its own RSA key, and signs the tokens a test asks for. It speaks plain HTTP, so a service trusting it is
/// started with <c>Auth:RequireHttpsMetadata=false</c>.
/// </summary>
public sealed class StandInIdentityProvider : IAsyncDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly WebApplication _app;

    private StandInIdentityProvider(WebApplication app) => _app = app;

    public string Authority => _app.Urls.Single();

    public static async Task<StandInIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var provider = new StandInIdentityProvider(builder.Build());
        provider._app.MapGet("/.well-known/openid-configuration", (HttpContext c) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = $"{c.Request.Scheme}://{c.Request.Host}", ["jwks_uri"] = $"{c.Request.Scheme}://{c.Request.Host}/jwks",
            ["authorization_endpoint"] = $"{c.Request.Scheme}://{c.Request.Host}/authorize", ["token_endpoint"] = $"{c.Request.Scheme}://{c.Request.Host}/token",
            ["response_types_supported"] = new[] { "code" }, ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(provider._rsa.ExportParameters(false)) { KeyId = "stand-in" });
        provider._app.MapGet("/jwks", () => Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } }));
        await provider._app.StartAsync();
        return provider;
    }

    /// <summary>A token this provider issued, signed with its key, carrying exactly <paramref name="claims"/>.</summary>
    public string Token(params Claim[] claims) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity(claims),
        Issuer = Authority,
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = "stand-in" }, SecurityAlgorithms.RsaSha256),
    });

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
