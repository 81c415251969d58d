using IncidentOrchestrator.Actions.Programmes;
using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;

namespace IncidentOrchestrator.Detection;

/// <summary>
/// The access the drift scanner checks: the catalogue's tables with their standing roles, each with the programme its
/// purposes serve. <c>Detection__AccessPolicy</c>, the file that said it before, is still read for this release, instead
/// of the catalogue while it is set, with a warning.
/// </summary>
public sealed class ScannedAccess(DatasetAccess catalogue, DetectionOptions detection, ProgrammeOptions programmes) : IStartupWarnings
{
    /// <summary>Whether there is anything to check: a cheap question, asked before every scan.</summary>
    public bool HasAnythingToCheck => !string.IsNullOrWhiteSpace(detection.AccessPolicy) || catalogue.Scanned().Any();

    /// <summary>The access the scanner checks, or null when there is nothing to check. The legacy file is read on each call.</summary>
    public AccessPolicy? Policy()
    {
        if (!string.IsNullOrWhiteSpace(detection.AccessPolicy)) return AccessPolicy.Load(detection.AccessPolicy);
        var policy = new AccessPolicy();
        foreach (var dataset in catalogue.Scanned())
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

    /// <summary>Whether the scanner checks this dataset's table: the catalogue's, unless the older file is set and does not list it.</summary>
    public bool Scans(Playbooks.Catalogue.Dataset dataset) => string.IsNullOrWhiteSpace(detection.AccessPolicy)
        ? catalogue.WhyNotChecked(dataset) is null
        : LegacyLists(dataset);

    private bool LegacyLists(Playbooks.Catalogue.Dataset dataset)
    {
        try
        {
            return Policy()?.Connections.GetValueOrDefault(dataset.Connection)?.ContainsKey(dataset.Object) ?? false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            return false; // a file the scanner cannot read checks nothing
        }
    }

    public IReadOnlyList<(LogLevel Level, string Text)> Warnings() => string.IsNullOrWhiteSpace(detection.AccessPolicy) ? [] :
    [
        (LogLevel.Warning, "Detection__AccessPolicy is read for this release only, and while it is set the drift scanner reads it instead of the " +
            "catalogue: declare each dataset in the catalogue (Catalogue__Path, one file per dataset: standing roles, and purposes such as " +
            "train-ai:<programme>) and remove the setting; docs/governance.md says how"),
    ];
}
