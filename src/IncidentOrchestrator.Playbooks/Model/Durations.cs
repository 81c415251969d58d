using System.Text.RegularExpressions;

namespace IncidentOrchestrator.Playbooks.Model;

/// <summary>An integer and a unit: <c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>72h</c>, <c>7d</c>.</summary>
public static partial class Durations
{
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var match = Pattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, out var amount) || amount > 10_000_000) return false;
        duration = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromDays(amount),
        };
        return duration <= Max;
    }

    public static string Format(TimeSpan d) =>
        d.TotalDays >= 1 && d.TotalDays % 1 == 0 ? $"{d.TotalDays}d"
        : d.TotalHours >= 1 && d.TotalHours % 1 == 0 ? $"{d.TotalHours}h"
        : d.TotalMinutes >= 1 && d.TotalMinutes % 1 == 0 ? $"{d.TotalMinutes}m"
        : d.TotalSeconds >= 1 && d.TotalSeconds % 1 == 0 ? $"{d.TotalSeconds}s"
        : $"{d.TotalMilliseconds}ms";

    [GeneratedRegex("^([0-9]+)(ms|s|m|h|d)$")]
    private static partial Regex Pattern();
}

public static partial class Names
{
    public static bool IsKebabCase(string text) => text.Length <= 100 && Kebab().IsMatch(text);

    /// <summary>Input and output names: letters, digits and underscores, as signal attributes are named.</summary>
    public static bool IsIdentifier(string text) => text.Length <= 100 && Identifier().IsMatch(text);

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex Kebab();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
