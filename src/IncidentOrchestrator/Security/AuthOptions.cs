namespace IncidentOrchestrator.Security;

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>The <c>Auth</c> section as configured: every part of the service that needs it reads it here.</summary>
    public static AuthOptions From(IConfiguration configuration) => configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();

    /// <summary>HS256 key, at least 32 bytes (UTF-8). Ignored when <see cref="Authority"/> is set.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect authority whose signing keys replace <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>When set, tokens must carry this audience.</summary>
    public string? Audience { get; set; }

    /// <summary>When set, tokens must carry this issuer.</summary>
    public string? Issuer { get; set; }

    /// <summary>The console's sign-in through an OpenID Connect provider (code flow with PKCE); without it, people paste a token.</summary>
    public OidcOptions Oidc { get; set; } = new();

    /// <summary>
    /// Whether a provider's metadata and keys must come over HTTPS (the API's <see cref="Authority"/> and the console's
    /// sign-in alike). Required everywhere but in Development, unless set to false on purpose (a local stand-in provider).
    /// </summary>
    public bool? RequireHttpsMetadata { get; set; }

    public bool HttpsMetadataRequired(IHostEnvironment environment) => RequireHttpsMetadata ?? !environment.IsDevelopment();

    /// <summary>Whether a validated bearer token comes from the console's identity provider, whose roles and groups it may carry.</summary>
    public bool IssuedByTheProvider(string? issuer) =>
        !string.IsNullOrWhiteSpace(Oidc.Authority) && issuer is not null && issuer.TrimEnd('/') == Oidc.Authority.TrimEnd('/');

}

/// <summary>Configuration section <c>Auth:Oidc</c>.</summary>
public sealed class OidcOptions
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>The claim of the ID token that carries the person's roles (commander, responder, …).</summary>
    public string RoleClaim { get; set; } = TokenClaims.Role;

    /// <summary>The claim that carries the person's groups at the provider.</summary>
    public string GroupClaim { get; set; } = "groups";

    /// <summary>
    /// Groups at the provider that give a role here (<c>Auth__Oidc__GroupRoles__&lt;group&gt;=&lt;role&gt;</c>), for the console's
    /// sign-in and for bearer tokens alike, so a directory's groups are the one place that says who is a commander.
    /// </summary>
    public Dictionary<string, string> GroupRoles { get; set; } = new(StringComparer.Ordinal);

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}
