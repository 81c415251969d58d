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

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        return options;
    }

    public static IServiceCollection AddIncidentJson(this IServiceCollection services)
    {
        services.ConfigureSystemTextJsonForWolverineOrMinimalApi(o => Apply(o.SerializerOptions));
        return services;
    }
}
