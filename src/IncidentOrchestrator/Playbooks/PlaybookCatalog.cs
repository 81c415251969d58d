using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks.Actions;

namespace IncidentOrchestrator.Playbooks;

public sealed class PlaybookOptions
{
    /// <summary>The folder of playbooks; by default the repository's <c>playbooks/</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Reload when a file in the folder changes (on by default).</summary>
    public bool Watch { get; set; } = true;

    /// <summary>The most recorded runs one replay request evaluates.</summary>
    public int MaxReplayRuns { get; set; } = 1000;
}

/// <summary>
/// The playbooks the service runs, from <see cref="PlaybookOptions.Path"/>, taken whole or not at all
/// (<see cref="YamlFolder{TSet}"/>): at start an invalid set leaves the catalogue empty and readiness failing; on a reload
/// it keeps the last valid set running (readiness says degraded). Runs pin the text they started with, so a reload never
/// changes a run under way.
/// </summary>
public sealed class PlaybookCatalog : YamlFolder<PlaybookLibrary>
{
    public PlaybookCatalog(PlaybookOptions options, IActionCatalog actions, IHostEnvironment environment, ILogger<PlaybookCatalog> logger)
        : base(ResolveFolder(options.Path, environment.ContentRootPath, "playbooks"), PlaybookLibrary.Empty, ("playbook", "playbooks", "Playbooks__Path"), logger)
    {
        Actions = actions;
        Reload();
    }

    public IActionCatalog Actions { get; }
    public PlaybookLibrary Library => Current;

    protected override PlaybookLibrary Read(string folder) => PlaybookLibrary.LoadDirectory(folder, Actions);
}
