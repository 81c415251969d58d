using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Parsing;
using IncidentOrchestrator.Playbooks.Validation;
using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks;

public sealed record PlaybookSource(string File, string Text);

/// <summary>
/// An immutable set of valid playbooks, loaded together so that names are unique and
/// sub-playbooks exist and do not recurse. A file with any error contributes nothing.
/// </summary>
public sealed class PlaybookLibrary : ILoadedSet
{
    public static readonly string[] Extensions = [".yaml", ".yml"];

    private PlaybookLibrary(IReadOnlyDictionary<string, Playbook> playbooks, IReadOnlyList<PlaybookError> errors, IReadOnlyList<string> rejected)
    {
        Playbooks = playbooks;
        Errors = errors;
        RejectedFiles = rejected;
    }

    public IReadOnlyDictionary<string, Playbook> Playbooks { get; }
    public IReadOnlyList<PlaybookError> Errors { get; }
    public IReadOnlyList<string> RejectedFiles { get; }
    public bool IsValid => Errors.Count == 0;
    public int Count => Playbooks.Count;

    public static readonly PlaybookLibrary Empty = new(new Dictionary<string, Playbook>(), [], []);

    public Playbook? Find(string name) => Playbooks.GetValueOrDefault(name);

    /// <summary>Loads every <c>.yaml</c>/<c>.yml</c> file of a folder (not its subfolders).</summary>
    public static PlaybookLibrary LoadDirectory(string path, IActionCatalog actions, ReaderLimits? limits = null)
    {
        limits ??= ReaderLimits.Default;
        var (sources, tooLarge) = ReadDirectory(path, limits);
        var library = Load(sources, actions, limits);
        return tooLarge.Count == 0 ? library
            : new PlaybookLibrary(library.Playbooks, tooLarge.Concat(library.Errors).ToList(), tooLarge.Select(e => e.File).Concat(library.RejectedFiles).ToList());
    }

    /// <summary>The YAML files of a folder (not its subfolders), in order; a file over the size limit is an error, not read.</summary>
    public static (List<PlaybookSource> Sources, List<PlaybookError> TooLarge) ReadDirectory(string path, ReaderLimits limits)
    {
        var sources = new List<PlaybookSource>();
        var tooLarge = new List<PlaybookError>();
        foreach (var file in Directory.EnumerateFiles(path).Where(f => Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (new FileInfo(file).Length > limits.MaxBytes)
                tooLarge.Add(new PlaybookError(name, 1, 1, ErrorCodes.FileTooLarge, $"the file is larger than {limits.MaxBytes / 1024} KiB"));
            else
                sources.Add(new PlaybookSource(name, File.ReadAllText(file)));
        }
        return (sources, tooLarge);
    }

    public static PlaybookLibrary Load(IEnumerable<PlaybookSource> sources, IActionCatalog actions, ReaderLimits? limits = null)
    {
        var sinks = new Dictionary<string, ErrorSink>(StringComparer.Ordinal);
        var candidates = new List<Playbook>();
        var rejectedPartials = new List<Playbook>();
        foreach (var source in sources)
        {
            var errors = sinks[source.File] = new ErrorSink(source.File);
            var playbook = ParseAndValidate(source, actions, errors, limits);
            if (playbook is null) continue;
            if (errors.HasErrors) rejectedPartials.Add(playbook);
            else candidates.Add(playbook);
        }

        var accepted = new Dictionary<string, Playbook>(StringComparer.Ordinal);
        foreach (var playbook in candidates)
        {
            if (accepted.TryGetValue(playbook.Name, out var first))
                sinks[playbook.File].Add(playbook.NamePosition, ErrorCodes.DuplicatePlaybook, $"playbook name '{playbook.Name}' is already used by {first.File}");
            else accepted[playbook.Name] = playbook;
        }

        // Rejecting one playbook can orphan the sub-playbook steps of another: repeat until stable.
        // Each round checks every playbook against the same set, so a cycle is reported as a cycle on all its members.
        while (true)
        {
            var failing = new List<(Playbook Playbook, ErrorSink Errors)>();
            foreach (var playbook in accepted.Values)
            {
                var errors = new ErrorSink(playbook.File);
                CheckSubPlaybooks(playbook, name => accepted.GetValueOrDefault(name), errors);
                if (errors.HasErrors) failing.Add((playbook, errors));
            }
            if (failing.Count == 0) break;
            foreach (var (playbook, errors) in failing)
            {
                foreach (var e in errors.Errors) sinks[playbook.File].Add(new Position(e.Line, e.Column), e.Code, e.Message);
                accepted.Remove(playbook.Name);
            }
        }

        // A file rejected for other reasons still hears about its sub-playbook references, in the same pass.
        foreach (var partial in rejectedPartials)
            CheckSubPlaybooks(partial, name => name == partial.Name ? partial : accepted.GetValueOrDefault(name), sinks[partial.File]);

        var all = sinks.Values.SelectMany(s => s.Errors).OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList();
        var rejected = sinks.Where(s => s.Value.HasErrors).Select(s => s.Key).ToList();
        return new PlaybookLibrary(accepted, all, rejected);
    }

    /// <summary>Validates one file as if it joined this library (replacing a playbook of the same name).</summary>
    public IReadOnlyList<PlaybookError> Validate(PlaybookSource source, IActionCatalog actions, ReaderLimits? limits = null)
    {
        var errors = new ErrorSink(source.File);
        if (ParseAndValidate(source, actions, errors, limits) is { } playbook)
            CheckSubPlaybooks(playbook, name => name == playbook.Name ? playbook : Find(name), errors);
        return Sorted(errors);
    }

    /// <summary>
    /// Reads the pinned text of a running playbook. It was valid, with its sub-playbooks, when the run
    /// began; only its own rules are checked again, so a later change to another file cannot break it.
    /// </summary>
    public static Playbook ParsePinned(string file, string text, IActionCatalog actions)
    {
        var errors = new ErrorSink(file);
        var playbook = ParseAndValidate(new PlaybookSource(file, text), actions, errors, null);
        if (playbook is null || errors.HasErrors)
            throw new InvalidOperationException($"The pinned playbook {file} no longer reads: {string.Join("; ", errors.Errors)}");
        return playbook;
    }

    public static IReadOnlyList<PlaybookError> Sorted(ErrorSink errors) =>
        errors.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ThenBy(e => e.Code, StringComparer.Ordinal).ToList();

    /// <summary>The playbook as far as it could be read; it is valid only when <paramref name="errors"/> stays empty.</summary>
    private static Playbook? ParseAndValidate(PlaybookSource source, IActionCatalog actions, ErrorSink errors, ReaderLimits? limits)
    {
        var playbook = PlaybookParser.Parse(source.File, source.Text, errors, limits);
        if (playbook is not null) PlaybookValidator.Validate(playbook, actions, errors);
        return playbook;
    }

    private static void CheckSubPlaybooks(Playbook playbook, Func<string, Playbook?> find, ErrorSink errors)
    {
        foreach (var step in playbook.Steps)
        {
            if (step.Kind is not SubPlaybook sub) continue;
            var child = find(sub.Playbook);
            if (child is null)
            {
                errors.Add(sub.Position, ErrorCodes.UnknownPlaybook, $"step '{step.Id}' runs playbook '{sub.Playbook}', which is not loaded");
                continue;
            }
            if (child.Subject != playbook.Subject)
            {
                // A child runs on its parent's subject.
                errors.Add(sub.Position, ErrorCodes.WrongSubject,
                    $"step '{step.Id}' runs playbook '{child.Name}', whose runs are for an {child.Subject}, from a playbook for an {playbook.Subject}");
                continue;
            }
            if (Recursion(playbook.Name, child, find) is { } chain)
            {
                errors.Add(sub.Position, ErrorCodes.RecursivePlaybook, $"playbooks must not recurse: {playbook.Name} -> {string.Join(" -> ", chain)}");
                continue;
            }
            var given = sub.With.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var input in child.Inputs.Where(i => i.Required && !given.Contains(i.Name)))
                errors.Add(sub.WithPosition, ErrorCodes.SubPlaybookInputs, $"playbook '{child.Name}' needs input '{input.Name}'");
            foreach (var p in sub.With.Where(p => child.Input(p.Name) is null))
                errors.Add(p.Position, ErrorCodes.SubPlaybookInputs, $"playbook '{child.Name}' has no input '{p.Name}'");
        }
    }

    /// <summary>The chain of playbook names from <paramref name="child"/> back to <paramref name="root"/>, if any.</summary>
    private static List<string>? Recursion(string root, Playbook child, Func<string, Playbook?> find)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        List<string>? Walk(Playbook current, List<string> chain)
        {
            chain = [.. chain, current.Name];
            if (current.Name == root) return chain;
            if (!visited.Add(current.Name)) return null;
            foreach (var sub in current.Steps.Select(s => s.Kind).OfType<SubPlaybook>())
                if (find(sub.Playbook) is { } next && Walk(next, chain) is { } found) return found;
            return null;
        }
        return Walk(child, []);
    }
}
