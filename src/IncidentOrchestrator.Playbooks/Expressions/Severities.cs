namespace IncidentOrchestrator.Playbooks.Expressions;

public static class Severities
{
    public static readonly string[] Ordered = ["low", "medium", "high", "critical"];

    /// <summary>1 (low) to 4 (critical), or 0 when the text is no severity.</summary>
    public static int Rank(string? value) => value is null ? 0 : Array.IndexOf(Ordered, value) + 1;

    public static bool IsSeverity(string? value) => Rank(value) > 0;
}
