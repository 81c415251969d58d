using System.Security.Claims;
using System.Text;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Web;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace IncidentOrchestrator.Security;

public static class Authentication
{
    public const string ApiOrConsole = "api-or-console";

    public static IServiceCollection AddIncidentSecurity(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        var auth = AuthOptions.From(configuration);
        if (string.IsNullOrWhiteSpace(auth.Authority) && !GeneratingCode.IsRunning())
            _ = SigningKey(auth); // fail at start, not at the first request
        if (ProviderClaims.Problems(auth.Oidc) is { Count: > 0 } problems) throw new InvalidOperationException(string.Join("; ", problems));

        // The API takes bearer tokens only (a cookie would make every /api form a CSRF target); the console's pages
        // take the cookie its sign-in sets. A request with an Authorization header is a bearer request wherever it goes.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = ApiOrConsole;
                o.DefaultChallengeScheme = ApiOrConsole;
            })
            .AddPolicyScheme(ApiOrConsole, "Bearer for the API, the console's cookie for its pages", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                    ? Integrations.IntegrationBasicAuthentication.Name
                    : context.Request.Path.StartsWithSegments("/api") || context.Request.Headers.Authorization.Count > 0
                        ? JwtBearerDefaults.AuthenticationScheme
                        : ConsoleSignIn.Scheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, Integrations.IntegrationBasicAuthentication>(
                Integrations.IntegrationBasicAuthentication.Name, null)
            .AddConsoleCookie()
            .AddConsoleOpenIdConnect(auth, environment)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.RequireHttpsMetadata = auth.HttpsMetadataRequired(environment);
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    NameClaimType = TokenClaims.Name,
                    RoleClaimType = TokenClaims.Role,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    ValidateIssuer = !string.IsNullOrWhiteSpace(auth.Issuer),
                    ValidIssuer = auth.Issuer,
                    ValidateAudience = !string.IsNullOrWhiteSpace(auth.Audience),
                    ValidAudience = auth.Audience,
                };
                // A token from the console's identity provider gives roles as its sign-in reads them (its role claim, its groups);
                // a token from anyone else gives only the roles it names.
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        if (context.Principal?.Identity is ClaimsIdentity identity && auth.IssuedByTheProvider(context.SecurityToken?.Issuer))
                            ProviderClaims.AddRoles(identity, auth.Oidc);
                        return Task.CompletedTask;
                    },
                };
                if (!string.IsNullOrWhiteSpace(auth.Authority))
                {
                    o.Authority = auth.Authority;
                }
                else if (!GeneratingCode.IsRunning())
                {
                    o.TokenValidationParameters.IssuerSigningKey = SigningKey(auth);
                    o.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
            });
        services.AddAuthorization();
        services.AddSingleton(auth.Oidc); // the groups that give roles, for every door that signs people in
        services.AddSingleton<IncidentReads>();
        services.AddSingleton<NeedToKnowGate>();
        services.AddSingleton<TamperEvidence.ChainVerifier>();
        return services;
    }

    public static SymmetricSecurityKey SigningKey(AuthOptions auth)
    {
        if (DevelopmentTokens.KeyProblem(auth.SigningKey) is not null)
            throw new InvalidOperationException(
                $"Auth__SigningKey must be at least {DevelopmentTokens.MinimumKeyBytes} bytes (or set Auth__Authority). ops/run generates one for you.");
        return DevelopmentTokens.SigningKey(auth.SigningKey!);
    }
}
