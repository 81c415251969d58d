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
/// The playbooks the service runs, from <see cref="PlaybookOptions.Path"/>. A set is taken whole
/// or not at all: when any file is invalid, every error is logged and nothing of that set is used.
/// At start that leaves the catalogue empty and readiness failing; on a reload it keeps the last
/// valid set running (readiness says degraded) until the files are fixed. Runs pin the text they
/// started with, so a reload never changes a run under way.
/// </summary>
public sealed class PlaybookCatalog
{
    private readonly ILogger<PlaybookCatalog> _logger;
    private readonly Lock _reloading = new();
    private volatile State _state;

    private sealed record State(PlaybookLibrary Library, IReadOnlyList<PlaybookError> Errors, string? LoadError, bool HasValidSet);

    public PlaybookCatalog(PlaybookOptions options, IActionCatalog actions, IHostEnvironment environment, ILogger<PlaybookCatalog> logger)
    {
        _logger = logger;
        Actions = actions;
        Folder = ResolveFolder(options.Path, environment.ContentRootPath);
        _state = new State(PlaybookLibrary.Empty, [], null, false);
        Reload();
    }

    public string Folder { get; }
    public IActionCatalog Actions { get; }
    public PlaybookLibrary Library => _state.Library;
    public IReadOnlyList<PlaybookError> Errors => _state.Errors;

    /// <summary>Why the files on disk are not what runs, or null when they are.</summary>
    public string? LoadError => _state.LoadError;

    public bool IsReady => _state.LoadError is null;

    /// <summary>The files are invalid, but the last valid set is still running.</summary>
    public bool IsDegraded => _state is { LoadError: not null, HasValidSet: true };

    /// <summary>Reads the folder again; an invalid set changes nothing that runs. Returns the errors found.</summary>
    public IReadOnlyList<PlaybookError> Reload()
    {
        lock (_reloading)
        {
            var previous = _state;
            if (!Directory.Exists(Folder))
            {
                var missing = $"The playbook folder '{Folder}' does not exist (set Playbooks__Path).";
                _logger.LogError("{Error}", missing);
                _state = previous with { LoadError = missing, Errors = [] };
                return [];
            }

            var loaded = PlaybookLibrary.LoadDirectory(Folder, Actions);
            foreach (var error in loaded.Errors) _logger.LogError("Invalid playbook: {Error}", error.ToString());
            if (loaded.IsValid)
            {
                _state = new State(loaded, [], null, true);
                _logger.LogInformation("Loaded {Count} playbooks from {Folder}", loaded.Playbooks.Count, Folder);
                return [];
            }

            var why = $"{loaded.Errors.Count} error(s) in {string.Join(", ", loaded.RejectedFiles)}; " + (previous.HasValidSet
                ? "the last valid set of playbooks keeps running until they are fixed."
                : "no playbook is loaded until they are fixed.");
            _state = previous with { Errors = loaded.Errors, LoadError = why };
            return loaded.Errors;
        }
    }

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
