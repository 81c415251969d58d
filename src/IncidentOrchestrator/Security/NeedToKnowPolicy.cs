using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Wolverine.Http;
using Wolverine.Http.CodeGen;

namespace IncidentOrchestrator.Security;

/// <summary>
/// Puts <see cref="NeedToKnowGate"/> in front of every endpoint, present or future, whose route
/// names an incident (<c>/api/incidents/{id}…</c>), a task (<c>{taskId}</c>) or an approval
/// (<c>{approvalId}</c>). Endpoints behind it do not check visibility themselves.
/// </summary>
public sealed class NeedToKnowPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            if (GateFor(chain.RoutePattern?.RawText) is not { } gate) continue;
            var call = new MethodCall(typeof(NeedToKnowGate), gate) { CommentText = "Need-to-know: 404 unless the caller may see the incident" };
            chain.Middleware.InsertRange(0, [call, new MaybeEndWithResultFrame(call.ReturnVariable!)]);
        }
    }

    /// <summary>
    /// Which gate guards a route of any door (the API's <c>/api/incidents/{id}…</c>, the console's <c>/incidents/{id:guid}…</c>,
    /// any <c>{taskId}</c> or <c>{approvalId}</c>, with or without a constraint), or null for routes that name no incident.
    /// </summary>
    public static string? GateFor(string? route) => route switch
    {
        null => null,
        _ when route.StartsWith("/api/incidents/{id}", StringComparison.Ordinal) || route.StartsWith("/incidents/{id:", StringComparison.Ordinal)
            => nameof(NeedToKnowGate.ForIncident),
        _ when route.Contains("{taskId}", StringComparison.Ordinal) || route.Contains("{taskId:", StringComparison.Ordinal) => nameof(NeedToKnowGate.ForTask),
        _ when route.Contains("{approvalId}", StringComparison.Ordinal) || route.Contains("{approvalId:", StringComparison.Ordinal)
            => nameof(NeedToKnowGate.ForApproval),
        _ => null,
    };

    /// <summary>The gate <see cref="GateFor"/> names, to call from a door that is not generated (the console's filter).</summary>
    public static Func<NeedToKnowGate, HttpContext, Task<IResult>>? Gate(string? route) => GateFor(route) switch
    {
        nameof(NeedToKnowGate.ForIncident) => (gate, context) => gate.ForIncident(context),
        nameof(NeedToKnowGate.ForTask) => (gate, context) => gate.ForTask(context),
        nameof(NeedToKnowGate.ForApproval) => (gate, context) => gate.ForApproval(context),
        _ => null,
    };
}
