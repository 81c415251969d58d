namespace IncidentOrchestrator.Contracts;

/// <summary>The claims the service reads from a bearer token or a session.</summary>
public static class TokenClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
}
