using System.Text.Json;

namespace IncidentOrchestrator.Actions;

/// <summary>Proof that the action of a step succeeded, keyed by its idempotency key; a redelivery finds it and does nothing again.</summary>
public sealed class ActionExecution
{
    public string Id { get; set; } = "";
    public Guid RunId { get; set; }
    public string StepId { get; set; } = "";
    public string Action { get; set; } = "";
    public int Attempt { get; set; }
    public Dictionary<string, JsonElement> Outputs { get; set; } = [];
    public List<RecordedIncidentEvent> IncidentEvents { get; set; } = [];
    public DateTimeOffset CompletedAt { get; set; }

    public static string KeyFor(Guid incidentId, Guid runId, string stepId, bool compensation) =>
        $"{incidentId:N}:{runId:N}:{stepId}{(compensation ? ":undo" : "")}";
}
