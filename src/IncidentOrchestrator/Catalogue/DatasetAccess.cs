using IncidentOrchestrator.Actions.Programmes;
using IncidentOrchestrator.Detection;
using IncidentOrchestrator.Playbooks.Catalogue;

namespace IncidentOrchestrator.Catalogue;

/// <summary>
/// Who may read what, said once, by the catalogue: the access the drift scanner holds real grants to, and the datasets a
/// programme's suspension revokes. A dataset may be read by its standing roles and by the service account of each
/// programme its purposes serve (<c>train-ai:activity-insights</c> serves <c>activity-insights</c>). The settings that said
/// it before (<c>Detection__AccessPolicy</c>, <c>Programmes__*__Datasets</c>) still work for this release, with a warning.
/// </summary>
public sealed class DatasetAccess(CatalogueFolder catalogue, DetectionOptions detection, ProgrammeOptions programmes, IConfiguration configuration)
{
    /// <summary>The access the scanner checks, or null when there is nothing to check.</summary>
    public AccessPolicy? Policy()
    {
        if (!string.IsNullOrWhiteSpace(detection.AccessPolicy)) return AccessPolicy.Load(detection.AccessPolicy);
        var policy = new AccessPolicy();
        foreach (var dataset in Scanned(catalogue.Catalogue))
        {
            var serving = programmes.Where(p => dataset.Serves.Contains(p.Key) && p.Value.Connection == dataset.Connection).ToList();
            var datasets = policy.Connections.TryGetValue(dataset.Connection, out var known) ? known : policy.Connections[dataset.Connection] = new(StringComparer.Ordinal);
            datasets[dataset.Object] = new DatasetPolicy
            {
                Allowed = [.. dataset.Standing, .. serving.Select(p => p.Value.ServiceAccountRole).Where(r => r.Length > 0)],
                Programme = serving.Select(p => p.Key).FirstOrDefault(),
            };
        }
        return policy.Connections.Count == 0 ? null : policy;
    }

    /// <summary>The tables a programme's suspension revokes and its resumption grants again: those the catalogue says serve it, and any the old setting still lists.</summary>
    public IReadOnlyList<string> DatasetsOf(string name, ProgrammeDefinition programme) => catalogue.Catalogue.Datasets.Values
        .Where(d => d.Serves.Contains(name) && d.Connection == programme.Connection && d.Object.Contains('.'))
        .Select(d => d.Object).Concat(programme.Datasets).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Datasets the scanner can check: a table on a connection the service has.</summary>
    private IEnumerable<Dataset> Scanned(DatasetCatalogue set) =>
        set.Datasets.Values.Where(d => d.Object.Contains('.') && !string.IsNullOrWhiteSpace(configuration.GetSection("Connections")[d.Connection]));

    /// <summary>What in the configuration says what the catalogue now says, each with its replacement; logged at start.</summary>
    public IReadOnlyList<string> Superseded() =>
    [
        .. string.IsNullOrWhiteSpace(detection.AccessPolicy) ? [] : new[]
        {
            "Detection__AccessPolicy is read for this release only: declare each dataset in the catalogue (Catalogue__Path, one file per " +
            "dataset: standing roles, and purposes such as train-ai:<programme>) and remove the setting; docs/governance.md says how",
        },
        .. programmes.Where(p => p.Value.Datasets.Count > 0).Select(p =>
            $"Programmes__{p.Key}__Datasets is read for this release only: give those datasets the purpose train-ai:{p.Key} in the catalogue and remove the setting"),
        .. catalogue.Catalogue.Datasets.Values.Where(d => !d.Object.Contains('.')).Select(d =>
            $"dataset {d.Name} names the schema {d.Object}: the drift scanner and programmes act on tables, so grants on it are not checked yet"),
        .. catalogue.Catalogue.Datasets.Values.Where(d => string.IsNullOrWhiteSpace(configuration.GetSection("Connections")[d.Connection])).Select(d =>
            $"dataset {d.Name} is on the connection '{d.Connection}', which is not configured (Connections__{d.Connection}): its grants are not checked"),
    ];
}

/// <summary>Says at start what in the configuration the catalogue replaces, and what of the catalogue cannot be checked.</summary>
public sealed class SupersededSettingsWarning(DatasetAccess access, ILogger<SupersededSettingsWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        foreach (var warning in access.Superseded()) logger.LogWarning("{Warning}", warning);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
