using System.Buffers;
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

    private sealed record SensitiveField(PropertyInfo Property, string JsonName, JsonEncodedText Utf8Name, Func<object>? Empty);

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

    /// <summary>
    /// The event with its sensitive fields hidden, for the sentence that describes it: strings read <see cref="Placeholder"/>,
    /// collections are emptied. A copy of the event with those fields set (no trip through JSON: this runs for every
    /// appended event of such a type); a field that cannot be set so (no setter) makes the copy through JSON instead.
    /// </summary>
    public static object Event(object data, Type type)
    {
        var fields = SensitiveFields(type);
        if (fields.Length == 0) return data;
        if (fields.Any(f => f.Empty is null)) return ThroughJson(data, type, fields);
        var copy = Clone(data);
        foreach (var field in fields.Where(f => f.Property.GetValue(data) is not null)) field.Property.SetValue(copy, field.Empty!());
        return copy;
    }

    private static object ThroughJson(object data, Type type, SensitiveField[] fields)
    {
        var node = JsonSerializer.SerializeToNode(data, type, Json)!.AsObject();
        foreach (var field in fields.Where(f => node[f.JsonName] is not null))
            node[field.JsonName] = EmptyJson(field.Property.PropertyType);
        return node.Deserialize(type, Json)!;
    }

    /// <summary>
    /// The event's data as JSON, with each present sensitive field shown as <see cref="Placeholder"/>: the event's JSON with
    /// those fields' values replaced as it is copied, every other value copied as written.
    /// </summary>
    public static JsonElement Data(object data, Type type, bool redact)
    {
        var fields = redact ? SensitiveFields(type) : [];
        if (fields.Length == 0) return JsonSerializer.SerializeToElement(data, type, Json);
        var json = JsonSerializer.SerializeToUtf8Bytes(data, type, Json);
        var redacted = new ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(redacted, new JsonWriterOptions { Encoder = Json.Encoder }))
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            writer.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var hidden = false;
                foreach (var field in fields) hidden |= reader.ValueTextEquals(field.Utf8Name.EncodedUtf8Bytes);
                if (reader.ValueIsEscaped) writer.WritePropertyName(reader.GetString()!);
                else writer.WritePropertyName(reader.ValueSpan);
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var isNull = reader.TokenType == JsonTokenType.Null;
                reader.Skip();
                if (hidden && !isNull) writer.WriteStringValue(Placeholder);
                else writer.WriteRawValue(json.AsSpan(start, (int)reader.BytesConsumed - start), skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        return JsonSerializer.Deserialize<JsonElement>(redacted.WrittenSpan, Json);
    }

    private static readonly Func<object, object> Clone = typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!
        .CreateDelegate<Func<object, object>>();

    private static JsonNode EmptyJson(Type type) =>
        type == typeof(string) ? JsonValue.Create(Placeholder)
        : typeof(IDictionary).IsAssignableFrom(type) || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? new JsonObject()
        : typeof(IEnumerable).IsAssignableFrom(type) ? new JsonArray()
        : throw new InvalidOperationException($"[Sensitive] is for strings and collections; {type.Name} cannot be redacted.");

    /// <summary>What a hidden field of this type holds in the event's copy, made anew for each copy; null when no such value can be made here.</summary>
    private static Func<object>? Empty(PropertyInfo property)
    {
        var type = property.PropertyType;
        if (!property.CanWrite) return null;
        if (type == typeof(string)) return () => Placeholder;
        if (type.IsArray) return () => Array.CreateInstance(type.GetElementType()!, 0);
        if (!typeof(IEnumerable).IsAssignableFrom(type)) return null;
        if (!type.IsAbstract && !type.IsInterface && type.GetConstructor(Type.EmptyTypes) is not null) return () => Activator.CreateInstance(type)!;
        if (!type.IsGenericType) return null;
        var arguments = type.GetGenericArguments();
        var concrete = arguments.Length switch
        {
            2 => typeof(Dictionary<,>).MakeGenericType(arguments),
            1 => typeof(List<>).MakeGenericType(arguments),
            _ => null,
        };
        return concrete is not null && type.IsAssignableFrom(concrete) ? () => Activator.CreateInstance(concrete)! : null;
    }

    private static SensitiveField[] SensitiveFields(Type type) => Fields.GetOrAdd(type, t => t.GetProperties()
        .Where(p => p.IsDefined(typeof(SensitiveAttribute)))
        .Select(p =>
        {
            var name = Json.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name;
            return new SensitiveField(p, name, JsonEncodedText.Encode(name), Empty(p));
        })
        .ToArray());
}
