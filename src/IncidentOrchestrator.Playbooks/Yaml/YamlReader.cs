using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IncidentOrchestrator.Playbooks.Yaml;

/// <summary>Bounds that keep hostile input from exhausting memory or time.</summary>
public sealed record ReaderLimits(int MaxBytes = 1024 * 1024, int MaxDepth = 24, int MaxNodes = 20_000, int MaxScalarLength = 64 * 1024)
{
    public static readonly ReaderLimits Default = new();
}

/// <summary>
/// Reads one YAML document into positioned nodes from YamlDotNet's event stream. Aliases are
/// resolved by reference and charged their full expanded size against <see cref="ReaderLimits.MaxNodes"/>,
/// so a "billion laughs" document stops after a few thousand events instead of expanding.
/// </summary>
public static class YamlReader
{
    public static YNode? Read(string text, ErrorSink errors, ReaderLimits? limits = null)
    {
        limits ??= ReaderLimits.Default;
        if (Encoding.UTF8.GetByteCount(text) > limits.MaxBytes)
        {
            errors.Add(new Position(1, 1), ErrorCodes.FileTooLarge, $"the file is larger than {limits.MaxBytes / 1024} KiB");
            return null;
        }

        if (TabIndentation(text) is { } tab)
        {
            errors.Add(tab, ErrorCodes.YamlSyntax, "a tab in indentation; YAML indents with spaces only");
            return null;
        }

        var state = new State(new Parser(new StringReader(text)), errors, limits);
        try
        {
            return state.ReadStream();
        }
        catch (YamlException e)
        {
            errors.Add(new Position((int)e.Start.Line, (int)e.Start.Column), ErrorCodes.YamlSyntax, Clean(e.Message));
            return null;
        }
        catch (StopReading)
        {
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these for some malformed flow collections (an unclosed '[' at the end).
            errors.Add(state.LastPosition, ErrorCodes.YamlSyntax, "the YAML is malformed here (an unclosed bracket or brace?)");
            return null;
        }
    }

    private static Position? TabIndentation(string text)
    {
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var column = 1;
            while (i < text.Length && text[i] is ' ' or '\t')
            {
                if (text[i] == '\t') return new Position(line, column);
                i++;
                column++;
            }
            while (i < text.Length && text[i] != '\n') i++;
            line++;
        }
        return null;
    }

    private static string Clean(string message)
    {
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return (cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message).Trim();
    }

    private sealed class StopReading : Exception;

    private sealed class State(IParser parser, ErrorSink errors, ReaderLimits limits)
    {
        private readonly Dictionary<string, (YNode Node, int Size)> _anchors = new(StringComparer.Ordinal);
        private int _nodes;

        public Position LastPosition => parser.Current is { } e ? At(e.End) : new Position(1, 1);

        public YNode? ReadStream()
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                errors.Add(new Position(1, 1), ErrorCodes.NotOneDocument, "the file is empty; a playbook is one YAML document");
                return null;
            }

            parser.Consume<DocumentStart>();
            var (root, _) = ReadNode(1);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                errors.Add(At(second.Start), ErrorCodes.NotOneDocument, "a playbook file holds exactly one YAML document");
                return null;
            }
            parser.Consume<StreamEnd>();
            return root;
        }

        private (YNode Node, int Size) ReadNode(int depth)
        {
            if (depth > limits.MaxDepth)
                Stop(At(parser.Current!.Start), ErrorCodes.TooDeep, $"the document nests deeper than {limits.MaxDepth} levels");

            var current = parser.Current!;
            switch (current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
                        Stop(At(alias.Start), ErrorCodes.YamlSyntax, $"alias *{alias.Value} names no anchor");
                    Charge(anchored.Size, alias.Start);
                    return anchored;

                case Scalar scalar:
                    parser.MoveNext();
                    if (scalar.Value.Length > limits.MaxScalarLength)
                        Stop(At(scalar.Start), ErrorCodes.ScalarTooLong, $"a value is longer than {limits.MaxScalarLength} characters");
                    Charge(1, scalar.Start);
                    return Remember(scalar.Anchor, new YScalar(scalar.Value, scalar.Style is not ScalarStyle.Plain, At(scalar.Start)), 1);

                case SequenceStart start:
                {
                    parser.MoveNext();
                    Charge(1, start.Start);
                    var items = new List<YNode>();
                    var size = 1;
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        var (item, itemSize) = ReadNode(depth + 1);
                        items.Add(item);
                        size += itemSize;
                    }
                    return Remember(start.Anchor, new YSequence(items, At(start.Start)), size);
                }

                case MappingStart start:
                {
                    parser.MoveNext();
                    Charge(1, start.Start);
                    var entries = new List<YEntry>();
                    var size = 1;
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var (key, keySize) = ReadNode(depth + 1);
                        var (value, valueSize) = ReadNode(depth + 1);
                        if (key is not YScalar scalarKey)
                        {
                            errors.Add(key.Position, ErrorCodes.WrongType, "a key must be a plain value");
                            continue;
                        }
                        entries.Add(new YEntry(scalarKey, value));
                        size += keySize + valueSize;
                    }
                    return Remember(start.Anchor, new YMapping(entries, At(start.Start)), size);
                }

                default:
                    Stop(At(current.Start), ErrorCodes.YamlSyntax, $"unexpected {current.GetType().Name}");
                    return default;
            }
        }

        private (YNode, int) Remember(AnchorName anchor, YNode node, int size)
        {
            if (!anchor.IsEmpty) _anchors[anchor.Value] = (node, size);
            return (node, size);
        }

        private void Charge(int size, Mark at)
        {
            _nodes += size;
            if (_nodes > limits.MaxNodes)
                Stop(At(at), ErrorCodes.NodeBudget,
                    $"the document expands to more than {limits.MaxNodes} nodes (aliases count at their full size)");
        }

        private void Stop(Position at, string code, string message)
        {
            errors.Add(at, code, message);
            throw new StopReading();
        }

        private static Position At(Mark mark) => new((int)mark.Line, (int)mark.Column);
    }
}
