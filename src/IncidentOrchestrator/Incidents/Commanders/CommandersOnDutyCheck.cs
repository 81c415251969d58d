using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentOrchestrator.Incidents.Commanders;

/// <summary>Readiness says Degraded, with the reason, while incidents can open (or are open) with nobody in command.</summary>
public sealed class CommandersOnDutyCheck(CommanderOnDuty onDuty, IDocumentStore store, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var problems = new List<string>();
        if (onDuty.At(clock.GetUtcNow()) is (null, { } gap)) problems.Add($"incidents opened by signals get no commander: {gap}");

        await using var session = store.QuerySession();
        var uncommanded = await session.Query<Incident>()
            .CountAsync(i => i.Commander == null && (i.Status == IncidentStatus.Open || i.Status == IncidentStatus.Contained), ct);
        if (uncommanded > 0) problems.Add($"{uncommanded} open incident(s) have no commander (GET /api/incidents?commander=none)");

        return problems.Count == 0 ? HealthCheckResult.Healthy("every open incident has a commander") : HealthCheckResult.Degraded(string.Join("; ", problems));
    }
}

/// <summary>Says once, at start, when incidents opened by signals will have nobody in command.</summary>
public sealed class CommanderRotationNotice(CommanderOnDuty onDuty, TimeProvider clock, ILogger<CommanderRotationNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        if (onDuty.At(clock.GetUtcNow()) is (null, { } gap))
            logger.LogWarning("Incidents opened by signals will have no commander: {Gap}. They still open, and admins are notified", gap);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
