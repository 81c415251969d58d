using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentOrchestrator.Contracts;

/// <summary>
/// HS256 tokens signed with the service's own key, for development, demos, tests and scripts; in production tokens come
/// from the identity provider. The service and the CLI mint them here, so both make the same token.
/// </summary>
public static class DevelopmentTokens
{
    public const int MinimumKeyBytes = 32;

    /// <summary>Why <paramref name="key"/> cannot sign tokens, or null when it can.</summary>
    public static string? KeyProblem(string? key) =>
        Encoding.UTF8.GetByteCount(key ?? "") < MinimumKeyBytes ? $"A signing key of at least {MinimumKeyBytes} bytes is needed." : null;

    public static SymmetricSecurityKey SigningKey(string key) =>
        KeyProblem(key) is { } problem ? throw new ArgumentException(problem, nameof(key)) : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key));

    public static string Issue(string key, string? issuer, string? audience, string subject, string? name, IEnumerable<string> roles,
        TimeSpan lifetime, DateTimeOffset now)
    {
        var issuedAt = now.UtcDateTime;
        var claims = new List<Claim> { new(TokenClaims.Subject, subject), new(TokenClaims.Name, name ?? subject) };
        claims.AddRange(roles.Select(role => new Claim(TokenClaims.Role, role)));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            Issuer = string.IsNullOrWhiteSpace(issuer) ? null : issuer,
            Audience = string.IsNullOrWhiteSpace(audience) ? null : audience,
            SigningCredentials = new SigningCredentials(SigningKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
