using System.Text.Json;

namespace IncidentOrchestrator.Playbooks;

/// <summary>JSON from a request as the plain values expressions work with (text, decimal, bool, null, lists, maps).</summary>
public static class JsonValues
{
    public static object? ToPlain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetDecimal(out var d) ? d : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => e.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value), StringComparer.Ordinal),
        _ => null,
    };

    public static IReadOnlyDictionary<string, object?> ToPlain(IReadOnlyDictionary<string, JsonElement>? values) =>
        values?.ToDictionary(p => p.Key, p => ToPlain(p.Value), StringComparer.Ordinal) ?? new Dictionary<string, object?>();

    /// <summary>Plain values back to JSON, as an event or a document stores them.</summary>
    public static Dictionary<string, JsonElement> ToJson(IReadOnlyDictionary<string, object?> values) =>
        values.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value), StringComparer.Ordinal);
}
