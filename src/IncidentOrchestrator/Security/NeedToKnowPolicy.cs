using System.Text.RegularExpressions;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Wolverine.Http;
using Wolverine.Http.CodeGen;

namespace IncidentOrchestrator.Security;

/// <summary>
/// Puts <see cref="NeedToKnowGate"/> in front of every endpoint, present or future, whose route
/// names an incident (<c>/api/incidents/{id}…</c>), a task (<c>{taskId}</c>), an approval
/// (<c>{approvalId}</c>) or a follow-up (<c>{followUpId}</c>). Endpoints behind it do not check visibility themselves.
/// </summary>
public sealed class NeedToKnowPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            if (GateFor(chain.RoutePattern?.RawText) is not { } gate) continue;
            var call = new MethodCall(typeof(NeedToKnowGate), gate.Method) { CommentText = "Need-to-know: 404 unless the caller may see the incident" };
            chain.Middleware.InsertRange(0, [call, new MaybeEndWithResultFrame(call.ReturnVariable!)]);
        }
    }

    /// <summary>A gate: the method the API's generated code calls, what it guards (in a page's words), and its admission for any other door.</summary>
    public sealed record Gate(string Method, string What, Func<NeedToKnowGate, HttpContext, Task<NeedToKnowGate.Admission>> Admit);

    private static readonly Gate ForIncident = new(nameof(NeedToKnowGate.ForIncident), "incident", (gate, context) => gate.AdmitToIncidentAsync(context));
    private static readonly Gate ForTask = new(nameof(NeedToKnowGate.ForTask), "task", (gate, context) => gate.AdmitToTaskAsync(context));
    private static readonly Gate ForApproval = new(nameof(NeedToKnowGate.ForApproval), "approval", (gate, context) => gate.AdmitToApprovalAsync(context));
    private static readonly Gate ForFollowUp = new(nameof(NeedToKnowGate.ForFollowUp), "follow-up", (gate, context) => gate.AdmitToFollowUpAsync(context));

    /// <summary>
    /// Which gate guards a route of any door (the API's <c>/api/incidents/{id}…</c>, the console's <c>/incidents/{id}…</c>,
    /// any <c>{taskId}</c> or <c>{approvalId}</c>), or null for routes that name no incident. A route constraint
    /// (<c>{id:guid}</c>) does not change what a route names.
    /// </summary>
    public static Gate? GateFor(string? route) => route is null ? null : Chosen.GetOrAdd(route, Choose); // the console asks on every request

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Gate?> Chosen = new(StringComparer.Ordinal);

    private static Gate? Choose(string route)
    {
        var named = Regex.Replace(route, @"\{(\w+):[^}]*\}", "{$1}");
        if (named.StartsWith("/api/incidents/{id}", StringComparison.Ordinal) || named.StartsWith("/incidents/{id}", StringComparison.Ordinal)) return ForIncident;
        if (named.Contains("{taskId}", StringComparison.Ordinal)) return ForTask;
        if (named.Contains("{followUpId}", StringComparison.Ordinal)) return ForFollowUp;
        return named.Contains("{approvalId}", StringComparison.Ordinal) ? ForApproval : null;
    }
}
