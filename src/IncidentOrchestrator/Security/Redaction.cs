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

    /// <param name="Utf8Name">The written name as UTF-8, unescaped, as a reader compares names.</param>
    private sealed record SensitiveField(PropertyInfo Property, string? JsonName, byte[]? Utf8Name);

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
            .Where(Hides).Select(t => $"{t.FullName}:{string.Join(',', SensitiveFields(t).Select(f => f.JsonName ?? f.Property.Name).Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal)))))[..16]);

    /// <summary>
    /// The event with its sensitive fields hidden, for the sentence that describes it: strings read <see cref="Placeholder"/>,
    /// collections are emptied. Made as reading the event's JSON with those fields so would make it, through the event's
    /// constructor, without the trip through JSON (this runs for every appended event of such a type) when the constructor
    /// is given everything the event holds; through JSON otherwise.
    /// </summary>
    public static object Event(object data, Type type)
    {
        var fields = SensitiveFields(type);
        if (fields.Length == 0) return data;
        if (Copiers.GetOrAdd(type, CopierOf) is not { } copier) return ThroughJson(data, type, fields);
        var arguments = new object?[copier.Arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            var property = copier.Arguments[i];
            var value = property.GetValue(data);
            arguments[i] = value is not null && copier.Sensitive[i] ? Hidden(property.PropertyType).Deserialize(property.PropertyType, Json) : value;
        }
        return copier.Constructor.Invoke(arguments);
    }

    /// <summary>Whether <see cref="Event"/> copies events of this type through their constructor (or else through JSON).</summary>
    internal static bool CopiesThroughConstructor(Type type) => Copiers.GetOrAdd(type, CopierOf) is not null;

    /// <summary>The same event read from its JSON with the sensitive fields hidden (<see cref="Event"/> when no constructor serves).</summary>
    internal static object ThroughJson(object data, Type type)
    {
        var fields = SensitiveFields(type);
        return fields.Length == 0 ? data : ThroughJson(data, type, fields);
    }

    private static object ThroughJson(object data, Type type, SensitiveField[] fields)
    {
        var node = JsonSerializer.SerializeToNode(data, type, Json)!.AsObject();
        foreach (var field in fields.Where(f => f.JsonName is not null && node[f.JsonName] is not null))
            node[field.JsonName!] = Hidden(field.Property.PropertyType);
        return node.Deserialize(type, Json)!;
    }

    /// <summary>A public constructor given every field the event holds (each the backing field of a property it takes), and which of its arguments are sensitive.</summary>
    private sealed record Copier(ConstructorInfo Constructor, PropertyInfo[] Arguments, bool[] Sensitive);

    private static readonly ConcurrentDictionary<Type, Copier?> Copiers = new();

    private static Copier? CopierOf(Type type)
    {
        if (type.BaseType != typeof(object)) return null; // what a base type holds is not in its fields here
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        foreach (var constructor in type.GetConstructors())
        {
            var parameters = constructor.GetParameters();
            var properties = parameters.Select(p => type.GetProperty(p.Name!, BindingFlags.Instance | BindingFlags.Public)).ToArray();
            if (parameters.Length != fields.Length || properties.Where((p, i) => p is null || !p.CanRead || p.PropertyType != parameters[i].ParameterType).Any())
                continue;
            var backing = properties.Select(p => $"<{p!.Name}>k__BackingField").ToHashSet(StringComparer.Ordinal);
            if (fields.All(f => backing.Contains(f.Name)))
                return new Copier(constructor, properties!, [.. properties.Select(p => SensitiveFields(type).Any(f => f.Property.Name == p!.Name))]);
        }
        return null;
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
                foreach (var field in fields)
                    if (field.Utf8Name is not null && reader.ValueTextEquals(field.Utf8Name)) { hidden = true; break; }
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

    /// <summary>What a hidden field holds: the placeholder for text, nothing for a collection.</summary>
    private static JsonNode Hidden(Type type) =>
        type == typeof(string) ? JsonValue.Create(Placeholder)
        : typeof(IDictionary).IsAssignableFrom(type) || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? new JsonObject()
        : typeof(IEnumerable).IsAssignableFrom(type) ? new JsonArray()
        : throw new InvalidOperationException($"[Sensitive] is for strings and collections; {type.Name} cannot be redacted.");

    /// <summary>A type's sensitive properties, each with its name in the event's JSON as the serializer writes it (none when it is not written).</summary>
    private static SensitiveField[] SensitiveFields(Type type) => Fields.GetOrAdd(type, t =>
    {
        var sensitive = t.GetProperties().Where(p => p.IsDefined(typeof(SensitiveAttribute))).ToArray();
        if (sensitive.Length == 0) return [];
        return sensitive.Select(p =>
        {
            var name = Json.WrittenName(t, p.Name);
            return new SensitiveField(p, name, name is null ? null : System.Text.Encoding.UTF8.GetBytes(name));
        }).ToArray();
    });
}
