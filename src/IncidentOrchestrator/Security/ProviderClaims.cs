using System.Security.Claims;

namespace IncidentOrchestrator.Security;

/// <summary>
/// The roles a token from the identity provider gives, read the same way for the console's sign-in and for bearer tokens:
/// the provider's role claim under the name the service reads (<c>role</c>), and each of the person's groups that
/// <see cref="OidcOptions.GroupRoles"/> maps to a role.
/// </summary>
public static class ProviderClaims
{
    public static void AddRoles(ClaimsIdentity identity, OidcOptions oidc)
    {
        var roles = identity.FindAll(TokenClaims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var given = oidc.RoleClaim == TokenClaims.Role ? [] : identity.FindAll(oidc.RoleClaim).Select(c => c.Value);
        var fromGroups = identity.FindAll(oidc.GroupClaim).Select(c => oidc.GroupRoles.GetValueOrDefault(c.Value)).OfType<string>();
        foreach (var role in given.Concat(fromGroups).Where(roles.Add).ToList()) identity.AddClaim(new Claim(TokenClaims.Role, role));
    }

    /// <summary>Mappings that name no role of the service: the service refuses to start with them rather than leave a group powerless.</summary>
    public static IReadOnlyList<string> Problems(OidcOptions oidc) =>
        oidc.GroupRoles.Where(g => !Roles.IsKnown(g.Value))
            .Select(g => $"Auth__Oidc__GroupRoles__{g.Key}={g.Value}: '{g.Value}' is not a role ({string.Join(", ", Roles.All)})").ToList();
}
