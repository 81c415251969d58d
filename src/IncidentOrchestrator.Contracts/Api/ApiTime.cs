using System.Globalization;

namespace IncidentOrchestrator.Contracts;

/// <summary>How the API reads a time a person or a script gives (a query's <c>from</c>, the CLI's <c>--since</c>): ISO 8601, UTC unless it says otherwise.</summary>
public static class ApiTime
{
    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        var parsed = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
        time = time.ToUniversalTime();
        return parsed;
    }
}
