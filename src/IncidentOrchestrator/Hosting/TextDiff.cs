using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace IncidentOrchestrator.Hosting;

public sealed record DiffLine(string Kind, int? OldLine, int? NewLine, string Text);

/// <summary>Two versions compared: how many lines were added and removed, and every line.</summary>
public sealed record TextChanges(int Added, int Removed, IReadOnlyList<DiffLine> Lines);

/// <summary>A line diff of two versions of a file (a playbook, a dataset), each line numbered in the version it is in.</summary>
public static class TextDiff
{
    public static TextChanges Compare(string older, string newer)
    {
        int oldLine = 0, newLine = 0;
        var lines = InlineDiffBuilder.Diff(older, newer, ignoreWhiteSpace: false).Lines.Where(l => l.Type != ChangeType.Imaginary).Select(l => l.Type switch
        {
            ChangeType.Deleted => new DiffLine("removed", ++oldLine, null, l.Text),
            ChangeType.Inserted => new DiffLine("added", null, ++newLine, l.Text),
            _ => new DiffLine("same", ++oldLine, ++newLine, l.Text),
        }).ToList();
        return new TextChanges(lines.Count(l => l.Kind == "added"), lines.Count(l => l.Kind == "removed"), lines);
    }
}
