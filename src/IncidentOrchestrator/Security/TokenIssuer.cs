namespace IncidentOrchestrator.Security;

/// <summary>Mints development tokens (<see cref="DevelopmentTokens"/>) with the configured key, issuer and audience, for demos and tests.</summary>
public sealed class TokenIssuer(AuthOptions auth)
{
    public string Issue(string subject, string? name, IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset? now = null) =>
        DevelopmentTokens.Issue(auth.SigningKey ?? "", auth.Issuer, auth.Audience, subject, name, roles, lifetime, now ?? DateTimeOffset.UtcNow);
}
