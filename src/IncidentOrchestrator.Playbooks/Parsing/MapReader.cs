using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Parsing;

/// <summary>Reads the keys of one mapping, reporting duplicates, wrong types, missing and unknown keys.</summary>
internal sealed class MapReader
{
    private readonly YMapping _map;
    private readonly ErrorSink _errors;
    private readonly string _what;
    private readonly string[] _known;
    private readonly Dictionary<string, YEntry> _entries = new(StringComparer.Ordinal);

    public MapReader(YMapping map, ErrorSink errors, string what, params string[] known)
    {
        _map = map;
        _errors = errors;
        _what = what;
        _known = known;
        foreach (var entry in map.Entries)
        {
            if (!_entries.TryAdd(entry.Key.Value, entry))
                errors.Add(entry.Key.Position, ErrorCodes.DuplicateKey, $"'{entry.Key.Value}' appears twice in {what}");
            else if (!known.Contains(entry.Key.Value))
                errors.Add(entry.Key.Position, ErrorCodes.UnknownKey, $"unknown key '{entry.Key.Value}' in {what} (allowed: {string.Join(", ", known)})");
        }
    }

    public static MapReader? Of(YNode? node, ErrorSink errors, string what, params string[] known)
    {
        if (node is YMapping map) return new MapReader(map, errors, what, known);
        if (node is not null) errors.Add(node.Position, ErrorCodes.WrongType, $"{what} must be a mapping, not {node.KindName}");
        return null;
    }

    public Position Position => _map.Position;

    public bool Has(string key) => _entries.ContainsKey(key) && !(_entries[key].Value is YScalar s && s.IsNull);

    public YNode? Node(string key, bool required = false)
    {
        if (_entries.TryGetValue(key, out var entry) && !(entry.Value is YScalar s && s.IsNull)) return entry.Value;
        if (required) _errors.Add(_map.Position, ErrorCodes.Missing, $"{_what} needs '{key}'");
        return null;
    }

    public Position KeyPosition(string key) => _entries.TryGetValue(key, out var e) ? e.Key.Position : _map.Position;

    public YScalar? Scalar(string key, bool required = false)
    {
        var node = Node(key, required);
        if (node is null or YScalar) return (YScalar?)node;
        _errors.Add(node.Position, ErrorCodes.WrongType, $"'{key}' in {_what} must be a single value, not {node.KindName}");
        return null;
    }

    public string? Text(string key, bool required = false) => Scalar(key, required)?.Value;

    public bool? Bool(string key)
    {
        var scalar = Scalar(key);
        if (scalar is null) return null;
        if (scalar.AsBool is { } b) return b;
        _errors.Add(scalar.Position, ErrorCodes.WrongType, $"'{key}' must be true or false, not '{scalar.Value}'");
        return null;
    }

    public int? Integer(string key, bool required = false)
    {
        var scalar = Scalar(key, required);
        if (scalar is null) return null;
        if (scalar.AsInteger is { } i and >= int.MinValue and <= int.MaxValue) return (int)i;
        _errors.Add(scalar.Position, ErrorCodes.WrongType, $"'{key}' must be a whole number, not '{scalar.Value}'");
        return null;
    }

    public TimeSpan? Duration(string key, bool required = false)
    {
        var scalar = Scalar(key, required);
        return scalar is null ? null : ParseDuration(scalar, key, _errors);
    }

    public string? OneOf(string key, string[] allowed, bool required = false)
    {
        var scalar = Scalar(key, required);
        if (scalar is null) return null;
        if (allowed.Contains(scalar.Value)) return scalar.Value;
        _errors.Add(scalar.Position, ErrorCodes.NotAllowed, $"'{key}' must be one of {string.Join(", ", allowed)}, not '{scalar.Value}'");
        return null;
    }

    public IReadOnlyList<YScalar> ScalarList(string key)
    {
        var node = Node(key);
        switch (node)
        {
            case null: return [];
            case YSequence seq:
                var items = new List<YScalar>();
                foreach (var item in seq.Items)
                {
                    if (item is YScalar s && !s.IsNull) items.Add(s);
                    else _errors.Add(item.Position, ErrorCodes.WrongType, $"each item of '{key}' must be a single value");
                }
                return items;
            default:
                _errors.Add(node.Position, ErrorCodes.WrongType, $"'{key}' in {_what} must be a list, not {node.KindName}");
                return [];
        }
    }

    public static TimeSpan? ParseDuration(YScalar scalar, string key, ErrorSink errors)
    {
        if (Durations.TryParse(scalar.Value, out var d)) return d;
        errors.Add(scalar.Position, ErrorCodes.BadDuration,
            $"'{key}' must be a duration such as 500ms, 30s, 15m, 4h or 7d, not '{scalar.Value}'");
        return null;
    }
}
