using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentOrchestrator.Playbooks;

/// <summary>Ready only when every playbook file loaded.</summary>
public sealed class PlaybooksLoaded(PlaybookCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(catalog.IsReady
            ? HealthCheckResult.Healthy($"{catalog.Library.Playbooks.Count} playbooks loaded")
            : HealthCheckResult.Unhealthy(catalog.LoadError, data: catalog.Errors.Take(50)
                .ToDictionary(e => $"{e.File}:{e.Line}:{e.Column}", e => (object)$"{e.Code} {e.Message}")));
}
