using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Tests.Security;

/// <summary>
/// The redacted event a sentence is made from is copied through its constructor, not read back from its JSON; for every
/// type of the service with sensitive fields the copy must be exactly what the JSON would give, and no hidden value may
/// reach it, or the redacted data, by another way.
/// </summary>
public sealed class redaction_copies_an_event_as_its_json_would
{
    private const string Secret = "Jane Doe salary history"; // nothing the serializer escapes, so the JSON shows it as it is
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    public static TheoryData<Type> TypesThatHide() =>
        new(typeof(Redaction).Assembly.GetTypes().Where(t => !t.IsAbstract && !t.IsGenericTypeDefinition && Redaction.Hides(t)).OrderBy(t => t.FullName));

    [Theory]
    [MemberData(nameof(TypesThatHide))]
    public void every_type_with_sensitive_fields(Type type)
    {
        var sensitive = type.GetProperties().Where(p => p.IsDefined(typeof(SensitiveAttribute), false)).Select(p => p.Name).ToHashSet();
        var written = new JsonObject();
        var index = 0;
        foreach (var property in Json.GetTypeInfo(type).Properties)
        {
            var name = ((System.Reflection.PropertyInfo)property.AttributeProvider!).Name;
            written[property.Name] = sensitive.Contains(name)
                ? property.PropertyType == typeof(string) ? JsonValue.Create(Secret) : new JsonObject { ["reader"] = Secret }
                : Sample(property.PropertyType, ++index);
        }
        var data = written.Deserialize(type, Json)!;
        var original = JsonSerializer.Serialize(data, type, Json);
        Assert.Contains(Secret, original); // the sample holds what must be hidden

        var copy = Redaction.Event(data, type);
        var copied = JsonSerializer.Serialize(copy, type, Json);

        // every event of the service is a record its constructor holds whole, copied without JSON: today's types all take that way
        Assert.True(Redaction.CopiesThroughConstructor(type), $"{type.Name} is copied through JSON (slower, not wrong): say why here");
        Assert.Equal(JsonSerializer.Serialize(Redaction.ThroughJson(data, type), type, Json), copied); // every other value kept as JSON keeps it
        Assert.DoesNotContain(Secret, copied);
        if (copy is ITimelineEvent described) // the sentence is what the copy is for
        {
            Assert.Equal(Sentence((ITimelineEvent)Redaction.ThroughJson(data, type)), Sentence(described));
            Assert.DoesNotContain(Secret, Sentence(described));
        }
        Assert.DoesNotContain(Secret, Redaction.Data(data, type, redact: true).GetRawText());
        Assert.Equal(original, JsonSerializer.Serialize(data, type, Json)); // the event itself is left as it was
    }

    private static string Sentence(ITimelineEvent e)
    {
        try
        {
            return e.Describe();
        }
        catch (Exception failure) // a sample's defaults may be more than a sentence can take: then both must fail alike
        {
            return failure.GetType().Name;
        }
    }

    /// <summary>A value of each kind events hold, different for each field (null where the kind is another).</summary>
    private static JsonNode? Sample(Type type, int index)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return $"value {index}";
        if (type == typeof(Guid)) return new Guid(index, 1, 2, new byte[8]).ToString();
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(index).ToString("O");
        if (type == typeof(TimeSpan)) return TimeSpan.FromSeconds(index).ToString();
        if (type == typeof(bool)) return true;
        if (type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(decimal)) return index;
        if (type.IsEnum) return JsonSerializer.SerializeToNode(Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1), type, Json);
        if (type == typeof(JsonElement)) return new JsonObject { ["kept"] = index };
        if (typeof(System.Collections.IDictionary).IsAssignableFrom(type) || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            return type.GetGenericArguments() is [var key, var value] && key == typeof(string) && Sample(value, index) is { } item
                ? new JsonObject { [$"key {index}"] = item } : null;
        if (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
            return (type.IsArray ? type.GetElementType() : type.GetGenericArguments().SingleOrDefault()) is { } element && Sample(element, index) is { } one
                ? new JsonArray(one) : null;
        return null;
    }

    [Fact]
    public void a_field_named_with_an_accent_is_hidden_in_the_data_too()
    {
        var data = new ReasonGiven(Secret, "cora.commander");

        Assert.Equal(Redaction.Placeholder, Redaction.Data(data, typeof(ReasonGiven), redact: true).GetProperty("begründung").GetString());
        Assert.Equal(Redaction.Placeholder, ((ReasonGiven)Redaction.Event(data, typeof(ReasonGiven))).Reason);
    }

    [Fact]
    public void an_event_that_holds_more_than_its_constructor_takes_is_copied_through_json()
    {
        var data = new NoteTagged(Secret) { Tag = "kept" };

        var redacted = (NoteTagged)Redaction.Event(data, typeof(NoteTagged));

        Assert.False(Redaction.CopiesThroughConstructor(typeof(NoteTagged)));
        Assert.Equal(Redaction.Placeholder, redacted.Note);
        Assert.Equal("kept", redacted.Tag);
        Assert.Equal(Secret, data.Note);
    }

    private sealed record ReasonGiven([property: Sensitive, JsonPropertyName("begründung")] string Reason, string By);

    private sealed record NoteTagged([property: Sensitive] string Note)
    {
        public string Tag { get; init; } = "";
    }
}
