using System.Security.Claims;

namespace IncidentOrchestrator.Security;

/// <summary>Who is calling, as the token says.</summary>
public sealed record Caller(string Subject, string Name, IReadOnlySet<string> Roles)
{
    public bool IsAdmin => Roles.Contains(Security.Roles.Admin);
}

public static class CallerClaims
{
    public static Caller Caller(this ClaimsPrincipal user)
    {
        var subject = user.FindFirstValue("sub")
                      ?? throw new InvalidOperationException("An authenticated caller always has a 'sub' claim.");
        var name = user.FindFirstValue("name") ?? subject;
        var roles = user.FindAll("role").Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(subject, name, roles);
    }
}
