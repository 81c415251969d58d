using IncidentOrchestrator.Playbooks;

namespace IncidentOrchestrator.Hosting;

/// <summary>What a watcher and a readiness check need of a folder of YAML files the service runs on.</summary>
public interface IYamlFolder
{
    string Folder { get; }
    bool IsReady { get; }
    bool IsDegraded { get; }
    string? LoadError { get; }
    IReadOnlyList<PlaybookError> Errors { get; }
    string Describe();
    IReadOnlyList<PlaybookError> Reload();
}

/// <summary>
/// A folder of YAML files the service runs on (the playbooks, the dataset catalogue). A set is taken whole or not at all:
/// when any file is invalid, every error is logged and nothing of that set is used. At start that leaves the set empty;
/// on a reload it keeps the last valid set (degraded) until the files are fixed.
/// </summary>
public abstract class YamlFolder<TSet> : IYamlFolder where TSet : class, ILoadedSet
{
    private readonly Lock _reloading = new();
    private readonly ILogger _logger;
    private readonly (string One, string Many, string Setting) _names;
    private volatile State _state;

    private sealed record State(TSet Set, IReadOnlyList<PlaybookError> Errors, string? LoadError, bool HasValidSet);

    /// <param name="names">What the files hold, one and many ("playbook", "playbooks"), and the setting that names the folder.</param>
    protected YamlFolder(string folder, TSet empty, (string One, string Many, string Setting) names, ILogger logger)
    {
        Folder = folder;
        _names = names;
        _logger = logger;
        _state = new State(empty, [], null, false);
    }

    public string Folder { get; }

    /// <summary>The set in use: the last valid one read.</summary>
    protected TSet Current => _state.Set;

    public IReadOnlyList<PlaybookError> Errors => _state.Errors;

    /// <summary>Why the files on disk are not what runs, or null when they are.</summary>
    public string? LoadError => _state.LoadError;

    public bool IsReady => _state.LoadError is null;

    /// <summary>The files are invalid, but the last valid set is still in use.</summary>
    public bool IsDegraded => _state is { LoadError: not null, HasValidSet: true };

    public string Describe() => $"{_state.Set.Count} {_names.Many} loaded";

    /// <summary>Raised after a valid set replaced the one in use.</summary>
    public event Action<TSet>? Loaded;

    protected abstract TSet Read(string folder);

    /// <summary>Whether a missing folder is an error (playbooks) or an empty set (an optional folder).</summary>
    protected virtual bool Required => true;

    /// <summary>Reads the folder again; an invalid set changes nothing in use. Returns the errors found.</summary>
    public IReadOnlyList<PlaybookError> Reload()
    {
        lock (_reloading)
        {
            var previous = _state;
            if (!Directory.Exists(Folder))
            {
                if (!Required) return [];
                var missing = $"The {_names.One} folder '{Folder}' does not exist (set {_names.Setting}).";
                _logger.LogError("{Error}", missing);
                _state = previous with { LoadError = missing, Errors = [] };
                return [];
            }

            var loaded = Read(Folder);
            foreach (var error in loaded.Errors) _logger.LogError("Invalid {What}: {Error}", _names.One, error.ToString());
            if (!loaded.IsValid)
            {
                var why = $"{loaded.Errors.Count} error(s) in {string.Join(", ", loaded.RejectedFiles)}; " + (previous.HasValidSet
                    ? $"the last valid set of {_names.Many} keeps running until they are fixed."
                    : $"no {_names.One} is loaded until they are fixed.");
                _state = previous with { Errors = loaded.Errors, LoadError = why };
                return loaded.Errors;
            }
            _state = new State(loaded, [], null, true);
            _logger.LogInformation("Loaded {Count} {What} from {Folder}", loaded.Count, _names.Many, Folder);
            // Under the lock, so that those who follow the sets see them in the order they were read.
            try
            {
                Loaded?.Invoke(loaded);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Handling the new set of {What} failed; the set is in use all the same", _names.Many);
            }
            return [];
        }
    }

    /// <summary>The configured folder, or <paramref name="name"/> beside the solution file (development and tests run from bin/).</summary>
    public static string ResolveFolder(string? configured, string contentRoot, string name)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured, contentRoot);
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "IncidentOrchestrator.sln"))) return Path.Combine(dir.FullName, name);
        return Path.Combine(contentRoot, name);
    }
}
