using System.Security.Claims;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace IncidentOrchestrator.Web;

/// <summary>
/// Production sign-in to the console: the OpenID Connect code flow (with PKCE) against the configured provider
/// (<c>Auth__Oidc__Authority</c>, <c>__ClientId</c>, <c>__ClientSecret</c>, <c>__RoleClaim</c>, <c>__GroupClaim</c>, <c>__GroupRoles__*</c>).
/// The person's subject, name and roles (<see cref="ProviderClaims"/>) go into the same cookie a pasted token would give.
/// </summary>
public static class ConsoleOpenIdConnect
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    public static AuthenticationBuilder AddConsoleOpenIdConnect(this AuthenticationBuilder builder, AuthOptions auth, IHostEnvironment environment)
    {
        var oidc = auth.Oidc;
        if (!oidc.Enabled) return builder;
        return builder.AddOpenIdConnect(Scheme, o =>
        {
            o.SignInScheme = ConsoleSignIn.Scheme;
            o.Authority = oidc.Authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            o.ResponseType = "code";
            o.UsePkce = true;
            o.SaveTokens = false;
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.RequireHttpsMetadata = auth.HttpsMetadataRequired(environment);
            o.CallbackPath = "/signin-oidc";
            o.SignedOutCallbackPath = "/signout-oidc";
            o.Scope.Clear();
            foreach (var scope in new[] { "openid", "profile" }) o.Scope.Add(scope);
            o.TokenValidationParameters.NameClaimType = TokenClaims.Name;
            o.TokenValidationParameters.RoleClaimType = TokenClaims.Role;
            o.Events.OnTokenValidated = context =>
            {
                // The console reads 'sub', 'name' and 'role', as the API does; the provider may call roles something else, or give groups.
                if (context.Principal?.Identity is ClaimsIdentity identity) ProviderClaims.AddRoles(identity, oidc);
                return Task.CompletedTask;
            };
        });
    }
}
