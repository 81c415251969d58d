using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentOrchestrator.Playbooks;

/// <summary>Ready when every playbook file loaded; degraded when the files are invalid but the last valid set still runs.</summary>
public sealed class PlaybooksLoaded(PlaybookCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (catalog.IsReady) return Task.FromResult(HealthCheckResult.Healthy($"{catalog.Library.Playbooks.Count} playbooks loaded"));
        var errors = catalog.Errors.Take(50).ToDictionary(e => $"{e.File}:{e.Line}:{e.Column}", e => (object)$"{e.Code} {e.Message}");
        return Task.FromResult(catalog.IsDegraded
            ? HealthCheckResult.Degraded(catalog.LoadError, data: errors)
            : HealthCheckResult.Unhealthy(catalog.LoadError, data: errors));
    }
}
