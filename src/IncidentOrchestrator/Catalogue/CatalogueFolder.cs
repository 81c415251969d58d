using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks.Catalogue;

namespace IncidentOrchestrator.Catalogue;

public sealed class CatalogueOptions
{
    /// <summary>The folder of dataset files; by default the repository's <c>catalogue/</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Reload when a file in the folder changes (on by default).</summary>
    public bool Watch { get; set; } = true;
}

/// <summary>
/// The dataset catalogue the service checks access against, from <see cref="CatalogueOptions.Path"/>, taken whole or not
/// at all like the playbooks. A deployment without the folder has an empty catalogue, not an error.
/// </summary>
public sealed class CatalogueFolder : YamlFolder<DatasetCatalogue>
{
    public CatalogueFolder(CatalogueOptions options, IHostEnvironment environment, ILogger<CatalogueFolder> logger)
        : base(ResolveFolder(options.Path, environment.ContentRootPath, "catalogue"), DatasetCatalogue.Empty, ("dataset", "datasets", "Catalogue__Path"), logger)
    {
        Reload();
    }

    public DatasetCatalogue Catalogue => Current;

    protected override bool Required => false;

    protected override DatasetCatalogue Read(string folder) => DatasetCatalogue.LoadDirectory(folder);
}

/// <summary>Reloads the catalogue when a file of its folder is added, changed, renamed or removed.</summary>
public sealed class CatalogueFolderWatcher(CatalogueFolder catalogue, CatalogueOptions options, ILogger<CatalogueFolderWatcher> logger)
    : YamlFolderWatcher(catalogue, options.Watch, "POST /api/datasets/reload", logger);
