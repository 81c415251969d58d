namespace IncidentOrchestrator.Web.Shared;

/// <summary>Durations as people read them: 45 s, 12 min, 3.5 h, 2 d.</summary>
public static class Durations
{
    public static string Between(DateTimeOffset from, DateTimeOffset? to) => to is { } end ? Text(end - from) : "–";

    public static string Text(TimeSpan span) => span.TotalSeconds < 0 ? "0 s"
        : span.TotalMinutes < 2 ? $"{span.TotalSeconds:0} s"
        : span.TotalHours < 2 ? $"{span.TotalMinutes:0} min"
        : span.TotalDays < 2 ? $"{span.TotalHours:0.#} h"
        : $"{span.TotalDays:0.#} d";
}
