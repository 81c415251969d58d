using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Actions.Programmes;
using IncidentOrchestrator.Detection;
using IncidentOrchestrator.Playbooks.Catalogue;

namespace IncidentOrchestrator.Catalogue;

/// <summary>
/// Who may read what, said once, by the catalogue: the access the drift scanner holds real grants to (a table's
/// <c>standing</c> roles), the programme a drift on it concerns, and the tables a programme's suspension revokes (those
/// whose purposes serve it: <c>train-ai:activity-insights</c> serves <c>activity-insights</c>). The settings that said it
/// before (<c>Detection__AccessPolicy</c>, <c>Programmes__*__Datasets</c>) still work for this release, with a warning.
/// </summary>
public sealed class DatasetAccess(CatalogueFolder catalogue, CatalogueOptions options, DetectionOptions detection, ProgrammeOptions programmes,
    NamedConnections connections)
{
    /// <summary>Whether there is anything to check: a cheap question, asked before every scan.</summary>
    public bool HasAnythingToCheck => !string.IsNullOrWhiteSpace(detection.AccessPolicy) || Scanned(catalogue.Catalogue).Any();

    /// <summary>The access the scanner checks, or null when there is nothing to check. The legacy file is read on each call.</summary>
    public AccessPolicy? Policy()
    {
        if (!string.IsNullOrWhiteSpace(detection.AccessPolicy)) return AccessPolicy.Load(detection.AccessPolicy);
        var policy = new AccessPolicy();
        foreach (var dataset in Scanned(catalogue.Catalogue))
        {
            var datasets = policy.Connections.TryGetValue(dataset.Connection, out var known) ? known : policy.Connections[dataset.Connection] = new(StringComparer.Ordinal);
            datasets[dataset.Object] = new DatasetPolicy
            {
                Allowed = [.. dataset.Standing],
                Programme = programmes.Where(p => dataset.ServesOn(p.Key, p.Value.Connection)).Select(p => p.Key).FirstOrDefault(),
            };
        }
        return policy.Connections.Count == 0 ? null : policy;
    }

    /// <summary>The tables a programme's suspension revokes: those the catalogue says serve it, and any the old setting still lists.</summary>
    public IReadOnlyList<string> DatasetsOf(string name, ProgrammeDefinition programme) => catalogue.Catalogue.Datasets.Values
        .Where(d => d.ServesOn(name, programme.Connection) && d.IsTable)
        .Select(d => d.Object).Concat(programme.Datasets).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Datasets the scanner can check: a table on a connection the service has.</summary>
    private IEnumerable<Dataset> Scanned(DatasetCatalogue set) => set.Datasets.Values.Where(d => d.IsTable && connections.Has(d.Connection));

    /// <summary>What in the configuration says what the catalogue now says, each with its replacement, and what of the catalogue cannot be checked; logged at start.</summary>
    public IReadOnlyList<(LogLevel Level, string Text)> Superseded() =>
    [
        .. string.IsNullOrWhiteSpace(detection.AccessPolicy) ? [] : new[]
        {
            (LogLevel.Warning, "Detection__AccessPolicy is read for this release only, and while it is set the drift scanner reads it instead of the " +
                "catalogue: declare each dataset in the catalogue (Catalogue__Path, one file per dataset: standing roles, and purposes such as " +
                "train-ai:<programme>) and remove the setting; docs/governance.md says how"),
        },
        .. programmes.Where(p => p.Value.Datasets.Count > 0).Select(p => (LogLevel.Warning,
            $"Programmes__{p.Key}__Datasets is read for this release only: give those datasets the purpose train-ai:{p.Key} in the catalogue and remove the setting")),
        .. !string.IsNullOrWhiteSpace(options.Path) && !Directory.Exists(catalogue.Folder)
            ? new[] { (LogLevel.Warning, $"Catalogue__Path names '{catalogue.Folder}', which does not exist: the catalogue is empty, so no grant is checked") }
            : [],
        .. catalogue.Catalogue.Datasets.Values.Where(d => !d.IsTable).Select(d => (LogLevel.Warning,
            $"dataset {d.Name} names the schema {d.Object}: the drift scanner and programmes act on tables, so grants on it are not checked yet")),
        .. catalogue.Catalogue.Datasets.Values.Where(d => !connections.Has(d.Connection)).Select(d => (LogLevel.Information,
            $"dataset {d.Name} is on the connection '{d.Connection}', which is not configured here (Connections__{d.Connection}): its grants are not checked")),
    ];
}

/// <summary>Says at start what in the configuration the catalogue replaces, and what of the catalogue cannot be checked.</summary>
public sealed class SupersededSettingsWarning(DatasetAccess access, ILogger<SupersededSettingsWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        foreach (var (level, text) in access.Superseded()) logger.Log(level, "{Warning}", text);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
