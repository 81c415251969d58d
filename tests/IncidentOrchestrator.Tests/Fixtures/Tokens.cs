using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>Real HS256 tokens signed with the test host's key.</summary>
public static class Tokens
{
    public const string SigningKey = "test-signing-key-of-at-least-32-bytes-for-hs256!";

    private static readonly TokenIssuer Issuer = new(new AuthOptions { SigningKey = SigningKey });

    public static string For(string subject, params string[] roles) =>
        Issuer.Issue(subject, subject, roles, TimeSpan.FromHours(1));

    public static string Expired(string subject, params string[] roles) =>
        Issuer.Issue(subject, subject, roles, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-2));

    public static string SignedWithAnotherKey(string subject, params string[] roles) =>
        new TokenIssuer(new AuthOptions { SigningKey = "another-key-that-is-also-at-least-32-bytes-long" })
            .Issue(subject, subject, roles, TimeSpan.FromHours(1));
}
