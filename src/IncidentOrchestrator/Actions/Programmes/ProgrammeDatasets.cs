using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;

namespace IncidentOrchestrator.Actions.Programmes;

/// <summary>
/// The tables a programme's suspension revokes: those the catalogue says serve it, and, for this release, any that
/// <c>Programmes__&lt;name&gt;__Datasets</c> still lists, with a warning.
/// </summary>
public sealed class ProgrammeDatasets(DatasetAccess catalogue, ProgrammeOptions programmes) : IStartupWarnings
{
    public IReadOnlyList<string> Of(string name, ProgrammeDefinition programme) =>
        catalogue.TablesServing(name, programme.Connection).Concat(programme.Datasets).Distinct(StringComparer.Ordinal).ToList();

    public IReadOnlyList<(LogLevel Level, string Text)> Warnings() =>
    [
        .. programmes.Where(p => p.Value.Datasets.Count > 0).Select(p => (LogLevel.Warning,
            $"Programmes__{p.Key}__Datasets is read for this release only: give those datasets the purpose train-ai:{p.Key} in the catalogue and remove the setting")),
    ];
}
