using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentOrchestrator.Hosting;

/// <summary>Ready when every file of a YAML folder loaded; degraded when the files are invalid but the last valid set is still in use.</summary>
public sealed class YamlFolderLoaded<TFolder>(TFolder folder) : IHealthCheck where TFolder : IYamlFolder
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (folder.IsReady) return Task.FromResult(HealthCheckResult.Healthy(folder.Describe()));
        var errors = folder.Errors.Take(50).ToDictionary(e => $"{e.File}:{e.Line}:{e.Column}", e => (object)$"{e.Code} {e.Message}");
        return Task.FromResult(folder.IsDegraded
            ? HealthCheckResult.Degraded(folder.LoadError, data: errors)
            : HealthCheckResult.Unhealthy(folder.LoadError, data: errors));
    }
}
