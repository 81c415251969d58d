namespace IncidentOrchestrator.Runs;

/// <summary>A run step waiting for a signal of a type to join its incident; signal intake looks these up.</summary>
public sealed class SignalWait
{
    public string Id { get; set; } = "";
    public Guid IncidentId { get; set; }
    public string SignalType { get; set; } = "";
    public Guid RunId { get; set; }
    public string StepId { get; set; } = "";

    public static string KeyFor(Guid runId, string stepId) => $"{runId:N}:{stepId}";
}
