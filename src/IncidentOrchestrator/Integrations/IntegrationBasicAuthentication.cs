using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace IncidentOrchestrator.Integrations;

/// <summary>
/// Basic auth for tools that cannot send a bearer token (Alertmanager's <c>http_config.basic_auth</c>): the configured
/// user is a caller with the ingest role, and only on the signal intake paths.
/// </summary>
public sealed class IntegrationBasicAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, IntegrationOptions integrations) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "integration-basic";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Path.StartsWithSegments("/api/signals")) return Task.FromResult(AuthenticateResult.Fail("Basic auth is taken on the signal intake only."));
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());

        var configured = integrations.Alertmanager;
        if (string.IsNullOrEmpty(configured.Username) || string.IsNullOrEmpty(configured.Password))
            return Task.FromResult(AuthenticateResult.Fail("No basic-auth user is configured."));
        string user, password;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':');
            if (colon < 0) return Task.FromResult(AuthenticateResult.Fail("Malformed basic credentials."));
            (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed basic credentials."));
        }
        if (!Same(user, configured.Username) | !Same(password, configured.Password))
            return Task.FromResult(AuthenticateResult.Fail("Wrong user or password."));

        var identity = new ClaimsIdentity([new Claim(TokenClaims.Subject, user), new Claim(TokenClaims.Name, user), new Claim(TokenClaims.Role, Roles.Ingest)],
            Name, TokenClaims.Name, TokenClaims.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
