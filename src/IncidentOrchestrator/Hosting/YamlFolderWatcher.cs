namespace IncidentOrchestrator.Hosting;

/// <summary>
/// Reloads a folder of YAML files when one is added, changed, renamed or removed. Editors write a file in several steps,
/// so changes are gathered for a moment and the folder is read once.
/// </summary>
public abstract class YamlFolderWatcher(IYamlFolder folder, bool watch, string otherwise, ILogger logger) : BackgroundService
{
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!watch || !Directory.Exists(folder.Folder)) return;
        var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(folder.Folder)
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
        watcher.Error += (_, e) => logger.LogWarning(e.GetException(), "Watching {Folder} failed; {Otherwise} still works", folder.Folder, otherwise);
        watcher.EnableRaisingEvents = true;
        logger.LogInformation("Watching {Folder} for changes", folder.Folder);

        while (!stoppingToken.IsCancellationRequested)
        {
            await changed.WaitAsync(stoppingToken);
            await Task.Delay(Settle, stoppingToken);
            while (changed.CurrentCount > 0) await changed.WaitAsync(stoppingToken); // fold the burst into one reload
            folder.Reload();
        }
    }
}
