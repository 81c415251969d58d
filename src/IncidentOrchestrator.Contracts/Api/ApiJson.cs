using System.Text.Json;
using System.Text.Json.Serialization;

namespace IncidentOrchestrator.Contracts;

/// <summary>The API's JSON: camelCase names, enums as camelCase text. The service and its clients read and write with it.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MaxDepth = 32;
    }

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        return options;
    }

    /// <summary>An enum value's name in the API (<c>Severity.Critical</c> is <c>critical</c>).</summary>
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>Every name an enum has in the API, in order.</summary>
    public static string[] Names<T>() where T : struct, Enum => [.. Enum.GetValues<T>().Select(Name)];

    /// <summary>The value an API name stands for, if any; as the API reads a body, the case of its letters does not matter.</summary>
    public static T? Value<T>(string? name) where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => string.Equals(Name(v), name, StringComparison.OrdinalIgnoreCase)).Select(v => (T?)v).FirstOrDefault();
}
