namespace IncidentOrchestrator.Security;

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>HS256 key, at least 32 bytes (UTF-8). Ignored when <see cref="Authority"/> is set.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect authority whose signing keys replace <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>When set, tokens must carry this audience.</summary>
    public string? Audience { get; set; }

    /// <summary>When set, tokens must carry this issuer.</summary>
    public string? Issuer { get; set; }

    public const int MinimumKeyBytes = 32;
}
