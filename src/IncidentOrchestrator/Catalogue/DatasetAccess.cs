using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks.Catalogue;

namespace IncidentOrchestrator.Catalogue;

/// <summary>
/// Who may read what, said once, by the catalogue: the tables whose grants can be checked here (with their <c>standing</c>
/// roles), and the tables a programme's work is approved on (those whose purposes serve it:
/// <c>train-ai:activity-insights</c> serves <c>activity-insights</c>). The drift scanner and the programmes ask it; each of
/// them keeps its own older setting for one release.
/// </summary>
public sealed class DatasetAccess(CatalogueFolder catalogue, CatalogueOptions options, NamedConnections connections) : IStartupWarnings
{
    /// <summary>Datasets whose grants can be checked here: a table on a connection the service has.</summary>
    public IEnumerable<Dataset> Scanned() => catalogue.Catalogue.Datasets.Values.Where(d => WhyNotChecked(d) is null);

    /// <summary>Why a dataset's grants cannot be read here, or null when they can.</summary>
    public string? WhyNotChecked(Dataset d) =>
        !d.IsTable ? $"{d.Object} is a schema: grants are read for tables only, for now"
        : !connections.Has(d.Connection) ? $"the connection '{d.Connection}' is not configured here (Connections__{d.Connection})"
        : null;

    /// <summary>The tables on <paramref name="connection"/> whose purposes serve <paramref name="programme"/>.</summary>
    public IEnumerable<string> TablesServing(string programme, string connection) => catalogue.Catalogue.Datasets.Values
        .Where(d => d.ServesOn(programme, connection) && d.IsTable).Select(d => d.Object);

    /// <summary>Whether the catalogue lets <paramref name="role"/> read <paramref name="table"/> on <paramref name="connection"/> without asking:
    /// false when a catalogued dataset is that table and does not list the role among its standing roles; true when it does, or when the
    /// catalogue holds no such table (what older settings name is theirs to say).</summary>
    public bool MayStand(string connection, string table, string role) =>
        catalogue.Catalogue.Datasets.Values.FirstOrDefault(d => d.Connection == connection && d.Object == table) is not { } d
        || d.Standing.Contains(role, StringComparer.Ordinal);

    /// <summary>What of the catalogue cannot be checked; logged at start.</summary>
    public IReadOnlyList<(LogLevel Level, string Text)> Warnings() =>
    [
        .. !string.IsNullOrWhiteSpace(options.Path) && !Directory.Exists(catalogue.Folder)
            ? new[] { (LogLevel.Warning, $"Catalogue__Path names '{catalogue.Folder}', which does not exist: the catalogue is empty, so no grant is checked") }
            : [],
        // A schema is a gap in what is checked (a warning); a connection a development machine may simply lack is not.
        .. catalogue.Catalogue.Datasets.Values.Where(d => WhyNotChecked(d) is not null).Select(d => (d.IsTable ? LogLevel.Information : LogLevel.Warning,
            $"dataset {d.Name}: {WhyNotChecked(d)}; its grants are not checked")),
    ];
}
