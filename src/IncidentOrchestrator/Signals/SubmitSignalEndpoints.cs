using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace IncidentOrchestrator.Signals;

public static class SubmitSignalEndpoint
{
    public static ProblemDetails Validate(SubmitSignal? signal)
    {
        if (signal is null) return Problems.MissingBody();
        var validation = new Problems.Validation();
        SignalRules.Check(signal, "", validation);
        return validation.ToProblem("The signal is not valid");
    }

    [WolverinePost("/api/signals"), Authorize(Roles = Roles.SignalSenders), EnableRateLimiting(RateLimits.Signals)]
    public static async Task<Accepted<SignalAccepted>> Post(SubmitSignal signal, SignalIntake intake, ClaimsPrincipal user, CancellationToken ct)
    {
        var accepted = await intake.IngestAsync([signal], user.Caller(), ct);
        return TypedResults.Accepted($"/api/incidents/{accepted[0].IncidentId}", accepted[0]);
    }
}

public static class SubmitSignalBatchEndpoint
{
    public static ProblemDetails Validate(SubmitSignal[]? signals, IntakeOptions options)
    {
        if (signals is null) return Problems.MissingBody();
        var validation = new Problems.Validation()
            .Require(signals.Length > 0, "$", "The batch is empty.")
            .Require(signals.Length <= options.MaxBatchSize, "$", $"A batch holds at most {options.MaxBatchSize} signals; this one has {signals.Length}.");
        if (!validation.HasErrors)
            for (var i = 0; i < signals.Length; i++) SignalRules.Check(signals[i], $"[{i}].", validation);
        return validation.ToProblem("The batch is not valid; no signal of it was stored");
    }

    [WolverinePost("/api/signals/batch"), Authorize(Roles = Roles.SignalSenders), EnableRateLimiting(RateLimits.Signals)]
    public static async Task<Accepted<IReadOnlyList<SignalAccepted>>> Post(SubmitSignal[] signals, SignalIntake intake, ClaimsPrincipal user, CancellationToken ct)
    {
        var accepted = await intake.IngestAsync(signals, user.Caller(), ct);
        return TypedResults.Accepted((string?)null, accepted);
    }
}
