using System.Text.Json;
using System.Text.Json.Serialization;
using Wolverine.Http;

namespace IncidentOrchestrator.Hosting;

public static class JsonConfiguration
{
    public static void Apply(JsonSerializerOptions options)
    {
        ApiJson.Apply(options);
        // A field the API does not know is a client mistake (or an attempt to set a server-owned
        // field such as status or id): reject it rather than silently ignore it.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }

    /// <summary>
    /// The service's JSON options, settled: their contracts can be asked for (<see cref="WrittenName"/>) before anything is
    /// serialised, and no caller can change options another shares.
    /// </summary>
    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The name the serializer writes a type's property under (its naming policy, or a name the property gives itself); null when it is not written.</summary>
    public static string? WrittenName(this JsonSerializerOptions options, Type type, string property) => options.GetTypeInfo(type).Properties
        .FirstOrDefault(p => p.AttributeProvider is System.Reflection.PropertyInfo { Name: var name } && name == property)?.Name;

    public static IServiceCollection AddIncidentJson(this IServiceCollection services)
    {
        services.ConfigureSystemTextJsonForWolverineOrMinimalApi(o => Apply(o.SerializerOptions));
        return services;
    }
}
