using System.Text.Json;
using IncidentOrchestrator.Hosting;

namespace IncidentOrchestrator.Runs;

/// <summary>Plain values (inputs, rendered parameters) as the JSON a run stores and sends.</summary>
public static class RunValues
{
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    public static Dictionary<string, JsonElement> Serialize(IReadOnlyDictionary<string, object?> values) =>
        values.ToDictionary(v => v.Key, v => JsonSerializer.SerializeToElement(v.Value, Json), StringComparer.Ordinal);
}
