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

    /// <summary>Which gate guards a route, or null for routes that name no incident.</summary>
    public static string? GateFor(string? route) => route switch
    {
        null => null,
        _ when route.StartsWith("/api/incidents/{id}", StringComparison.Ordinal) => nameof(NeedToKnowGate.ForIncident),
        _ when route.Contains("{taskId}", StringComparison.Ordinal) => nameof(NeedToKnowGate.ForTask),
        _ when route.Contains("{approvalId}", StringComparison.Ordinal) => nameof(NeedToKnowGate.ForApproval),
        _ => null,
    };
}
