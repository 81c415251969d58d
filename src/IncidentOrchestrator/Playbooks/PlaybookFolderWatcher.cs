namespace IncidentOrchestrator.Playbooks;

/// <summary>
/// Reloads the catalogue when a playbook file is added, changed, renamed or removed. Editors write
/// a file in several steps, so changes are gathered for a moment and the folder is read once.
/// </summary>
public sealed class PlaybookFolderWatcher(PlaybookCatalog catalog, PlaybookOptions options, ILogger<PlaybookFolderWatcher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Watch || !Directory.Exists(catalog.Folder)) return;
        var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(catalog.Folder)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            IncludeSubdirectories = false,
        };
        foreach (var pattern in new[] { "*.yaml", "*.yml" }) watcher.Filters.Add(pattern);
        FileSystemEventHandler onChange = (_, _) => changed.Release();
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Deleted += onChange;
        watcher.Renamed += (_, _) => changed.Release();
        watcher.Error += (_, e) => logger.LogWarning(e.GetException(), "Watching {Folder} failed; POST /api/playbooks/reload still works", catalog.Folder);
        watcher.EnableRaisingEvents = true;
        logger.LogInformation("Watching {Folder} for playbook changes", catalog.Folder);

        while (!stoppingToken.IsCancellationRequested)
        {
            await changed.WaitAsync(stoppingToken);
            await Task.Delay(Settle, stoppingToken);
            while (changed.CurrentCount > 0) await changed.WaitAsync(stoppingToken); // fold the burst into one reload
            catalog.Reload();
        }
    }
}
