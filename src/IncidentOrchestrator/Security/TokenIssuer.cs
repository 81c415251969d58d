using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentOrchestrator.Security;

/// <summary>Mints HS256 tokens with the configured key, for development, demos and tests.</summary>
public sealed class TokenIssuer(AuthOptions auth)
{
    public string Issue(string subject, string? name, IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset? now = null)
    {
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new List<Claim> { new("sub", subject), new("name", name ?? subject) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            Issuer = string.IsNullOrWhiteSpace(auth.Issuer) ? null : auth.Issuer,
            Audience = string.IsNullOrWhiteSpace(auth.Audience) ? null : auth.Audience,
            SigningCredentials = new SigningCredentials(Authentication.SigningKey(auth), SecurityAlgorithms.HmacSha256),
        });
    }
}
