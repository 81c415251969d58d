using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;

namespace IncidentOrchestrator.Security;

/// <summary>
/// Marks a field that carries personal or sensitive data: free text people write, inputs and
/// outputs that can name people or data. Viewers without need-to-know see it redacted.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SensitiveAttribute : Attribute;

/// <summary>
/// Who sees sensitive fields, and how they are hidden. Participants of the incident and admins
/// see everything; every other viewer (leadership, responders not on the incident) sees
/// <see cref="Placeholder"/> in place of each sensitive field, in timelines, reports and exports alike.
/// </summary>
public static class Redaction
{
    public const string Placeholder = "[redacted]";

    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();
    private static readonly ConcurrentDictionary<Type, SensitiveField[]> Fields = new();

    private sealed record SensitiveField(PropertyInfo Property, string JsonName);

    public static bool AppliesTo(Caller caller, Incident incident) => !caller.TakesPart(incident);

    public static string? Text(string? value, bool redact) => redact && value is not null ? Placeholder : value;

    /// <summary>Whether events of this type have fields that redaction hides.</summary>
    public static bool Hides(Type type) => SensitiveFields(type).Length > 0;

    /// <summary>
    /// Which fields of which types this build hides, in a few characters: what was redacted under another set (a field
    /// marked sensitive since, or no longer) is redacted again rather than shown as it was stored.
    /// </summary>
    public static string Fingerprint => LazyFingerprint.Value;

    private static readonly Lazy<string> LazyFingerprint = new(() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join('\n', typeof(Redaction).Assembly.GetTypes()
            .Where(Hides).Select(t => $"{t.FullName}:{string.Join(',', SensitiveFields(t).Select(f => f.JsonName).Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal)))))[..16]);

    /// <summary>The event with its sensitive fields hidden: strings read <see cref="Placeholder"/>, collections are emptied.</summary>
    public static object Event(object data, Type type)
    {
        var fields = SensitiveFields(type);
        if (fields.Length == 0) return data;
        var node = JsonSerializer.SerializeToNode(data, type, Json)!.AsObject();
        foreach (var field in fields.Where(f => node[f.JsonName] is not null))
            node[field.JsonName] = EmptyValue(field.Property.PropertyType);
        return node.Deserialize(type, Json)!;
    }

    /// <summary>The event's data as JSON, with each present sensitive field shown as <see cref="Placeholder"/>.</summary>
    public static JsonElement Data(object data, Type type, bool redact)
    {
        var fields = redact ? SensitiveFields(type) : [];
        if (fields.Length == 0) return JsonSerializer.SerializeToElement(data, type, Json);
        var node = JsonSerializer.SerializeToNode(data, type, Json)!.AsObject();
        foreach (var field in fields.Where(f => node[f.JsonName] is not null)) node[field.JsonName] = Placeholder;
        return JsonSerializer.SerializeToElement(node, Json);
    }

    private static JsonNode EmptyValue(Type type) =>
        type == typeof(string) ? JsonValue.Create(Placeholder)
        : typeof(IDictionary).IsAssignableFrom(type) || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? new JsonObject()
        : typeof(IEnumerable).IsAssignableFrom(type) ? new JsonArray()
        : throw new InvalidOperationException($"[Sensitive] is for strings and collections; {type.Name} cannot be redacted.");

    private static SensitiveField[] SensitiveFields(Type type) => Fields.GetOrAdd(type, t => t.GetProperties()
        .Where(p => p.IsDefined(typeof(SensitiveAttribute)))
        .Select(p => new SensitiveField(p, Json.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name))
        .ToArray());
}
