namespace IncidentOrchestrator.Hosting;

/// <summary>When work that something outside refused (a warehouse, a tracker) is tried again.</summary>
public static class TryAgain
{
    /// <summary>After attempt <paramref name="attempt"/>: 1, 2, 4, 8 minutes, then every 15 minutes for as long as it is refused — what must happen is
    /// never given up on.</summary>
    public static TimeSpan After(int attempt) => TimeSpan.FromMinutes(Math.Min(15, Math.Pow(2, Math.Min(attempt, 10) - 1)));
}
