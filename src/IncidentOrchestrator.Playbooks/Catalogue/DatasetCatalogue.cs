using IncidentOrchestrator.Playbooks.Parsing;
using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Catalogue;

/// <summary>
/// An immutable set of valid datasets, loaded together so that names, and the objects they name on each connection, are
/// unique. A file with any error contributes nothing; the set's hash names this version of the whole catalogue.
/// </summary>
public sealed class DatasetCatalogue : ILoadedSet
{
    private DatasetCatalogue(IReadOnlyDictionary<string, Dataset> datasets, IReadOnlyList<PlaybookError> errors, IReadOnlyList<string> rejected)
    {
        Datasets = datasets;
        Errors = errors;
        RejectedFiles = rejected;
        Hash = PlaybookParser.HashOf(string.Join('\n', datasets.Values.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => $"{d.Name} {d.Hash}")));
    }

    public static readonly DatasetCatalogue Empty = new(new Dictionary<string, Dataset>(), [], []);

    public IReadOnlyDictionary<string, Dataset> Datasets { get; }
    public IReadOnlyList<PlaybookError> Errors { get; }
    public IReadOnlyList<string> RejectedFiles { get; }
    public bool IsValid => Errors.Count == 0;
    public int Count => Datasets.Count;

    /// <summary>The version of the catalogue as a whole: the hash of its datasets' names and hashes.</summary>
    public string Hash { get; }

    public Dataset? Find(string name) => Datasets.GetValueOrDefault(name);

    public static DatasetCatalogue LoadDirectory(string path, ReaderLimits? limits = null)
    {
        limits ??= ReaderLimits.Default;
        var (sources, tooLarge) = PlaybookLibrary.ReadDirectory(path, limits);
        var catalogue = Load(sources, limits);
        return tooLarge.Count == 0 ? catalogue
            : new DatasetCatalogue(catalogue.Datasets, tooLarge.Concat(catalogue.Errors).ToList(), tooLarge.Select(e => e.File).Concat(catalogue.RejectedFiles).ToList());
    }

    public static DatasetCatalogue Load(IEnumerable<PlaybookSource> sources, ReaderLimits? limits = null)
    {
        var sinks = new Dictionary<string, ErrorSink>(StringComparer.Ordinal);
        var read = new List<Dataset>();
        foreach (var source in sources)
        {
            var errors = sinks[source.File] = new ErrorSink(source.File);
            var dataset = DatasetParser.Parse(source.File, source.Text, errors, limits);
            if (dataset is not null && !errors.HasErrors) read.Add(dataset);
        }
        // A clash is reported on every file in it: whichever of them someone checks alone hears of the others.
        foreach (var dataset in read)
        {
            foreach (var other in read.Where(o => o != dataset && o.Name == dataset.Name))
                sinks[dataset.File].Add(dataset.NamePosition, ErrorCodes.DuplicateDataset, $"dataset name '{dataset.Name}' is also used by {other.File}");
            foreach (var other in read.Where(o => o != dataset && o.Name != dataset.Name && o.Connection == dataset.Connection && o.Object == dataset.Object))
                sinks[dataset.File].Add(dataset.NamePosition, ErrorCodes.DuplicateObject, $"{dataset.Connection}/{dataset.Object} is also declared by {other.File} ({other.Name})");
        }
        var accepted = read.Where(d => !sinks[d.File].HasErrors).ToDictionary(d => d.Name, StringComparer.Ordinal);
        var all = sinks.Values.SelectMany(s => s.Errors).OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList();
        return new DatasetCatalogue(accepted, all, sinks.Where(s => s.Value.HasErrors).Select(s => s.Key).ToList());
    }
}
