namespace IncidentOrchestrator.Playbooks.Model;

/// <summary>Who a task or approval goes to: <c>oncall:&lt;rotation&gt;</c>, <c>role:&lt;role&gt;</c> or <c>user:&lt;id&gt;</c>.</summary>
public static class Principals
{
    /// <summary>Where an unanswered task escalates: a principal, or <c>policy:&lt;name&gt;</c>, levels configured in the service.</summary>
    public static bool IsValidEscalation(string text) =>
        IsValid(text) || (text.StartsWith(PolicyPrefix, StringComparison.Ordinal) && Names.IsKebabCase(text[PolicyPrefix.Length..]));

    public const string PolicyPrefix = "policy:";

    public static bool IsValid(string text)
    {
        var colon = text.IndexOf(':');
        if (colon < 0) return false;
        var (kind, rest) = (text[..colon], text[(colon + 1)..]);
        return kind switch
        {
            "oncall" or "role" => Names.IsKebabCase(rest),
            "user" => rest.Length is > 0 and <= 200 && !rest.Any(char.IsWhiteSpace),
            _ => false,
        };
    }
}
