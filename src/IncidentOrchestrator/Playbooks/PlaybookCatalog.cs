using IncidentOrchestrator.Playbooks.Actions;

namespace IncidentOrchestrator.Playbooks;

public sealed class PlaybookOptions
{
    /// <summary>The folder of playbooks; by default the repository's <c>playbooks/</c>.</summary>
    public string? Path { get; set; }
}

/// <summary>
/// The playbooks the service runs: loaded once at start from <see cref="PlaybookOptions.Path"/>.
/// When any file is invalid the catalogue holds nothing, every error is logged, and readiness
/// fails, so a half-loaded set never runs. Runs pin the text they started with, so a later
/// reload can never change a run under way.
/// </summary>
public sealed class PlaybookCatalog
{
    public PlaybookCatalog(PlaybookOptions options, IActionCatalog actions, IHostEnvironment environment, ILogger<PlaybookCatalog> logger)
    {
        Actions = actions;
        Folder = ResolveFolder(options.Path, environment.ContentRootPath);
        if (!Directory.Exists(Folder))
        {
            LoadError = $"The playbook folder '{Folder}' does not exist (set Playbooks__Path).";
            logger.LogError("{Error}", LoadError);
            Library = PlaybookLibrary.Empty;
            return;
        }

        var loaded = PlaybookLibrary.LoadDirectory(Folder, actions);
        foreach (var error in loaded.Errors)
            logger.LogError("Invalid playbook: {Error}", error.ToString());
        if (loaded.IsValid)
        {
            Library = loaded;
            logger.LogInformation("Loaded {Count} playbooks from {Folder}", loaded.Playbooks.Count, Folder);
        }
        else
        {
            Library = PlaybookLibrary.Empty;
            LoadError = $"{loaded.Errors.Count} error(s) in {string.Join(", ", loaded.RejectedFiles)}; no playbook is loaded until they are fixed.";
        }
        Errors = loaded.Errors;
    }

    public string Folder { get; }
    public IActionCatalog Actions { get; }
    public PlaybookLibrary Library { get; }
    public IReadOnlyList<PlaybookError> Errors { get; } = [];
    public string? LoadError { get; }
    public bool IsReady => LoadError is null;

    private static string ResolveFolder(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return System.IO.Path.GetFullPath(configured, contentRoot);
        // Development and tests run from bin/; the repository's playbooks/ sits beside the solution file.
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "IncidentOrchestrator.sln")))
                return System.IO.Path.Combine(dir.FullName, "playbooks");
        return System.IO.Path.Combine(contentRoot, "playbooks");
    }
}
