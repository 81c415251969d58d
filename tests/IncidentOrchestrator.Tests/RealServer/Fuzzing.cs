using System.Text;
using System.Text.Json.Nodes;

namespace IncidentOrchestrator.Tests.RealServer;

/// <summary>
/// Seeded generators of what a careless or hostile client sends: values shaped as a schema says, and the same with a wrong
/// type, a field missing or added, a huge or odd or NUL-bearing string, broken JSON, the wrong media type. One seed gives
/// the same requests every time, so a failure can be replayed (<c>INCIDENTS_FUZZ_SEED</c>).
/// </summary>
public sealed class Fuzzing(int seed, JsonNode? document = null)
{
    public int Seed { get; } = seed;
    public Random Random { get; } = new(seed);

    public static int SeedFromEnvironment(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("INCIDENTS_FUZZ_SEED"), out var seed) ? seed : fallback;

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];
    public bool Chance(double p) => Random.NextDouble() < p;

    /// <summary>Strings that have broken services: NUL anywhere, control characters, huge, unpaired surrogates, markup, paths, templates.</summary>
    public string OddString() => Random.Next(14) switch
    {
        0 => "\0",
        1 => "a\0b",
        2 => new string('x', Random.Next(10_000, 200_000)),
        3 => "\u202Eevil\u202C 𝕏 🔥 ü",
        4 => "' OR 1=1; --",
        5 => "../../../etc/passwd",
        6 => "{{ steps.x.outputs }}${jndi:ldap://x}",
        7 => "<script>alert(1)</script>",
        8 => "",
        9 => "   ",
        10 => "\t\r\n\u0001\u001f",
        11 => "99999999999999999999999999",
        12 => "-1",
        _ => "\uFFFF\uFFFE",
    };

    /// <summary>A value of the wrong kind for whatever a field takes.</summary>
    public JsonNode? WrongType() => Random.Next(7) switch
    {
        0 => JsonValue.Create(Random.Next(-5, 1_000_000)),
        1 => JsonValue.Create(true),
        2 => new JsonArray(JsonValue.Create("a"), JsonValue.Create(1)),
        3 => new JsonObject { ["nested"] = JsonValue.Create("x") },
        4 => JsonValue.Create(OddString()),
        5 => JsonValue.Create(1e308),
        _ => null,
    };

    /// <summary>A value as <paramref name="schema"/> describes it (references followed), from <paramref name="known"/> where a real id fits.</summary>
    public JsonNode? Valid(JsonNode? schema, Func<string?, string?> known, int depth = 0, string? name = null)
    {
        schema = Resolve(schema);
        if (schema is null || depth > 6) return JsonValue.Create("x");
        if (schema["enum"] is JsonArray values && values.Count > 0) return values[Random.Next(values.Count)]?.DeepClone();
        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray oneOf)
        {
            var options = oneOf.Where(o => Resolve(o)?["type"]?.ToString() != "null").ToList();
            return options.Count == 0 ? null : Valid(Pick(options), known, depth + 1, name);
        }
        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t!.ToString()).FirstOrDefault(t => t != "null") ?? "null",
            JsonValue t => t.ToString(),
            _ => schema["properties"] is not null ? "object" : "string",
        };
        switch (type)
        {
            case "object":
                var result = new JsonObject();
                if (schema["properties"] is JsonObject properties)
                {
                    var required = (schema["required"] as JsonArray)?.Select(r => r!.ToString()).ToHashSet() ?? [];
                    foreach (var (property, propertySchema) in properties)
                        if (required.Contains(property) || Chance(0.7)) result[property] = Valid(propertySchema, known, depth + 1, property);
                }
                else
                    for (var i = Random.Next(3); i > 0; i--) result[$"key{i}"] = JsonValue.Create(known(null) ?? "value");
                return result;
            case "array":
                var array = new JsonArray();
                for (var i = Random.Next(1, 4); i > 0; i--) array.Add(Valid(schema["items"], known, depth + 1, name));
                return array;
            case "integer": return JsonValue.Create(Random.Next(0, 100));
            case "number": return JsonValue.Create(Random.Next(0, 1000) / 10.0);
            case "boolean": return JsonValue.Create(Chance(0.5));
            case "null": return null;
            default:
                if (schema["format"]?.ToString() == "date-time") return JsonValue.Create(DateTimeOffset.UtcNow.AddMinutes(-Random.Next(0, 10_000)).ToString("O"));
                if (schema["format"]?.ToString() == "uuid") return JsonValue.Create(known("uuid") ?? Guid.NewGuid().ToString());
                return JsonValue.Create(known(name) ?? $"fuzz-{Random.Next(1000)}");
        }
    }

    /// <summary>A valid-shaped body bent one way: a wrong type, a field gone, a field added, an odd string, or nothing bent.</summary>
    public JsonNode? Bent(JsonNode? body)
    {
        var objects = new List<JsonObject>();
        void Collect(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                objects.Add(o);
                foreach (var (_, child) in o) Collect(child);
            }
            else if (node is JsonArray a) foreach (var child in a) Collect(child);
        }
        Collect(body);
        if (objects.Count == 0) return Chance(0.5) ? WrongType() : body;
        var target = Pick(objects);
        var keys = target.Select(p => p.Key).ToList();
        switch (Random.Next(6))
        {
            case 0 when keys.Count > 0: target[Pick(keys)] = WrongType(); break;
            case 1 when keys.Count > 0: target.Remove(Pick(keys)); break;
            case 2: target[Chance(0.5) ? "unexpected" : "id"] = JsonValue.Create(OddString()); break;
            case 3 when keys.Count > 0: target[Pick(keys)] = JsonValue.Create(OddString()); break;
            case 4: target[Chance(0.5) ? "k\0" : Pick(keys.DefaultIfEmpty("x").ToList())] = JsonValue.Create("v\0"); break;
        }
        return body;
    }

    /// <summary>The text of a body: its JSON, or that JSON broken (cut short, a stray byte, not JSON at all).</summary>
    public string Text(JsonNode? body, bool broken)
    {
        var json = body?.ToJsonString() ?? "null";
        if (!broken) return json;
        return Random.Next(5) switch
        {
            0 => json[..Random.Next(0, Math.Max(1, json.Length))],
            1 => json.Insert(Random.Next(json.Length), "\u0000"),
            2 => json + "}",
            3 => "not json at all",
            _ => new string('[', 10_000),
        };
    }

    public JsonNode? Resolve(JsonNode? schema)
    {
        for (var i = 0; i < 10 && schema?["$ref"] is JsonValue reference; i++)
        {
            var path = reference.ToString().TrimStart('#', '/').Split('/');
            schema = path.Aggregate(document, (node, segment) => node?[segment]);
        }
        return schema;
    }

    public static string Describe(HttpMethod method, string path, string? mediaType, string? body) =>
        $"{method} {path}" + (body is null ? "" : $" ({mediaType}) {Excerpt(body)}");

    public static string Excerpt(string text) =>
        (text.Length > 300 ? text[..300] + $"… ({text.Length} chars)" : text).Replace("\0", "\\u0000");

    public static string Encode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return bytes.Length > 4096 ? Uri.EscapeDataString(value[..Math.Min(value.Length, 4096)]) : Uri.EscapeDataString(value);
    }
}
