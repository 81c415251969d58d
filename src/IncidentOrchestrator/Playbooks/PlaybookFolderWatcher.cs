using IncidentOrchestrator.Hosting;

namespace IncidentOrchestrator.Playbooks;

/// <summary>Reloads the playbooks when a file of their folder is added, changed, renamed or removed.</summary>
public sealed class PlaybookFolderWatcher(PlaybookCatalog catalog, PlaybookOptions options, ILogger<PlaybookFolderWatcher> logger)
    : YamlFolderWatcher(catalog, options.Watch, "POST /api/playbooks/reload", logger);
