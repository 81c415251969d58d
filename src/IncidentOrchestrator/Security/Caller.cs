using System.Security.Claims;

namespace IncidentOrchestrator.Security;

/// <summary>Who is calling, as the token says.</summary>
public sealed record Caller(string Subject, string Name, IReadOnlySet<string> Roles)
{
    public bool IsAdmin => Roles.Contains(Contracts.Roles.Admin);

    /// <summary>How work and notifications address this caller: <c>user:&lt;subject&gt;</c>, and <c>role:&lt;role&gt;</c> for each role held.</summary>
    public IReadOnlyList<string> Principals => [$"user:{Subject}", .. Roles.Select(r => $"role:{r}")];

    /// <summary>Whether <paramref name="principal"/> (<c>user:…</c> or <c>role:…</c>) addresses this caller.</summary>
    public bool IsAddressedAs(string principal) => Principals.Contains(principal);
}

public static class CallerClaims
{
    public static Caller Caller(this ClaimsPrincipal user)
    {
        var subject = user.FindFirstValue(TokenClaims.Subject)
                      ?? throw new InvalidOperationException("An authenticated caller always has a 'sub' claim.");
        var name = user.FindFirstValue(TokenClaims.Name) ?? subject;
        var roles = user.FindAll(TokenClaims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(subject, name, roles);
    }
}
