namespace IncidentOrchestrator.Hosting;

/// <summary>A page of a list as an operation answers it, and the cursor of the next page (null on the last).</summary>
public sealed record Listed<T>(IReadOnlyList<T> Items, string? Next);
