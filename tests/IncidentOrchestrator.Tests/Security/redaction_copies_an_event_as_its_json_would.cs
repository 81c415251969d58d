using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Tests.Security;

/// <summary>
/// The redacted event a sentence is made from is copied through its constructor, not read back from its JSON; for every
/// type of the service with sensitive fields the copy must be exactly what the JSON would give, and no hidden value may
/// reach it, or the redacted data, by another way.
/// </summary>
public sealed class redaction_copies_an_event_as_its_json_would
{
    private const string Secret = "Jane Doe salary history"; // nothing the serializer escapes, so the JSON shows it as it is
    private static readonly JsonSerializerOptions Json = ReadOnly(JsonConfiguration.Create());

    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static TheoryData<Type> TypesThatHide() =>
        new(typeof(Redaction).Assembly.GetTypes().Where(t => !t.IsAbstract && !t.IsGenericTypeDefinition && Redaction.Hides(t)).OrderBy(t => t.FullName));

    [Theory]
    [MemberData(nameof(TypesThatHide))]
    public void every_type_with_sensitive_fields(Type type)
    {
        var sensitive = type.GetProperties().Where(p => p.IsDefined(typeof(SensitiveAttribute), false)).Select(p => p.Name).ToHashSet();
        var written = new JsonObject();
        foreach (var property in Json.GetTypeInfo(type).Properties)
        {
            var name = ((System.Reflection.PropertyInfo)property.AttributeProvider!).Name;
            var enumType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (sensitive.Contains(name))
                written[property.Name] = property.PropertyType == typeof(string) ? JsonValue.Create(Secret) : new JsonObject { ["reader"] = Secret };
            else if (enumType.IsEnum) // a value the serializer writes (the default of an enum may be none of its names)
                written[property.Name] = JsonSerializer.SerializeToNode(Enum.GetValues(enumType).GetValue(0), enumType, Json);
        }
        var data = written.Deserialize(type, Json)!;
        Assert.Contains(Secret, JsonSerializer.Serialize(data, type, Json)); // the sample holds what must be hidden

        var copied = JsonSerializer.Serialize(Redaction.Event(data, type), type, Json);

        Assert.Equal(JsonSerializer.Serialize(Redaction.ThroughJson(data, type), type, Json), copied);
        Assert.DoesNotContain(Secret, copied);
        Assert.DoesNotContain(Secret, Redaction.Data(data, type, redact: true).GetRawText());
        Assert.Contains(Secret, JsonSerializer.Serialize(data, type, Json)); // the event itself is left as it was
    }

    [Fact]
    public void a_field_named_with_an_accent_is_hidden_in_the_data_too()
    {
        var data = new ReasonGiven(Secret, "cora.commander");

        Assert.Equal(Redaction.Placeholder, Redaction.Data(data, typeof(ReasonGiven), redact: true).GetProperty("begründung").GetString());
        Assert.Equal(Redaction.Placeholder, ((ReasonGiven)Redaction.Event(data, typeof(ReasonGiven))).Reason);
    }

    [Fact]
    public void what_an_event_holds_beside_its_constructor_is_made_again_from_the_hidden_value()
    {
        var data = new NotePreviewed(Secret);

        var redacted = (NotePreviewed)Redaction.Event(data, typeof(NotePreviewed));

        Assert.Equal(Redaction.Placeholder, redacted.Note);
        Assert.Equal(Redaction.Placeholder[..4], redacted.Preview);
    }

    private sealed record ReasonGiven([property: Sensitive, JsonPropertyName("begründung")] string Reason, string By);

    private sealed record NotePreviewed([property: Sensitive] string Note)
    {
        public string Preview { get; } = Note[..4];
    }
}
