using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace IncidentOrchestrator.Hosting;

/// <summary>The API operations a route of another door (the console) calls; who may use the route is who may call them.</summary>
public sealed record PassesThrough(IReadOnlyList<MethodInfo> Operations)
{
    /// <summary>The roles the operations admit: one list, as <see cref="PassesThroughRoutes.Through"/> makes sure.</summary>
    public string Roles => Operations.SelectMany(o => o.GetCustomAttributes<AuthorizeAttribute>()).Select(a => a.Roles ?? "").First();
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
        var authorize = methods.Select(m => (Method: m, Attributes: m.GetCustomAttributes<AuthorizeAttribute>().ToList())).ToList();
        if (authorize.FirstOrDefault(a => a.Attributes.Count != 1 || a.Attributes[0] is not { Roles.Length: > 0, Policy: null, AuthenticationSchemes: null })
            is { Method: { } odd })
            throw new InvalidOperationException($"{odd.DeclaringType?.Name}.{odd.Name} does not name its roles in one [Authorize(Roles = …)]: a door cannot take them.");
        // ASP.NET Core asks for one role of each list: operations whose lists differ would admit a mix nobody chose.
        if (authorize.Select(a => string.Join(',', a.Attributes[0].Roles!.Split(',').Order())).Distinct().Count() > 1)
            throw new InvalidOperationException($"{string.Join(" and ", methods.Select(m => $"{m.DeclaringType?.Name}.{m.Name}"))} admit different roles: a route cannot pass through them all.");
        return builder.WithMetadata(authorize[0].Attributes[0], new PassesThrough(methods));
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
