using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace IncidentOrchestrator.Hosting;

/// <summary>The API operations a route of another door (the console) calls; who may use the route is who may call them.</summary>
public sealed record PassesThrough(IReadOnlyList<MethodInfo> Operations)
{
    /// <summary>The roles the operations admit (a caller needs one role of each operation's list).</summary>
    public IEnumerable<string> Roles => Operations.SelectMany(o => o.GetCustomAttributes<AuthorizeAttribute>()).Select(a => a.Roles ?? "");
}

public static class PassesThroughRoutes
{
    /// <summary>
    /// A door's route admits exactly whom the API operations it calls admit: it carries their own <c>[Authorize]</c>
    /// metadata, applied by ASP.NET Core's authorization as on the API's routes, rather than a copy of their roles.
    /// </summary>
    public static TBuilder Through<TBuilder>(this TBuilder builder, params Delegate[] operations) where TBuilder : IEndpointConventionBuilder
    {
        var methods = operations.Select(o => o.Method).ToList();
        foreach (var method in methods)
        {
            var authorize = method.GetCustomAttributes<AuthorizeAttribute>().ToArray<object>();
            if (authorize.Length == 0)
                throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} says nothing of who may call it: it is not an API operation.");
            builder.WithMetadata(authorize);
        }
        return builder.WithMetadata(new PassesThrough(methods));
    }

    /// <summary>
    /// Whether <paramref name="person"/> may call <paramref name="operation"/>, by the operation's own <c>[Authorize]</c>
    /// metadata and the same authorization service: for a door whose one route carries several operations (Slack's buttons).
    /// </summary>
    public static async Task<bool> MayCallAsync(this HttpContext context, ClaimsPrincipal person, Delegate operation)
    {
        var services = context.RequestServices;
        var policy = await AuthorizationPolicy.CombineAsync(services.GetRequiredService<IAuthorizationPolicyProvider>(),
            operation.Method.GetCustomAttributes<AuthorizeAttribute>());
        return policy is null || (await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(person, policy)).Succeeded;
    }
}
