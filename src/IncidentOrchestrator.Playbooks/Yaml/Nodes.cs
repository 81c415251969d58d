namespace IncidentOrchestrator.Playbooks.Yaml;

/// <summary>1-based line and column in the source file.</summary>
public readonly record struct Position(int Line, int Column)
{
    public Position Advance(int columns) => this with { Column = Column + columns };
}

public abstract record YNode(Position Position)
{
    public abstract string KindName { get; }
}

public sealed record YScalar(string Value, bool Quoted, Position Position) : YNode(Position)
{
    public override string KindName => "a value";
    public bool IsNull => !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";
    public bool? AsBool => Quoted ? null : Value switch { "true" or "True" or "TRUE" => true, "false" or "False" or "FALSE" => false, _ => null };
    public long? AsInteger => !Quoted && long.TryParse(Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    public decimal? AsNumber => !Quoted && decimal.TryParse(Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
}

public sealed record YSequence(IReadOnlyList<YNode> Items, Position Position) : YNode(Position)
{
    public override string KindName => "a list";
}

public sealed record YEntry(YScalar Key, YNode Value);

public sealed record YMapping(IReadOnlyList<YEntry> Entries, Position Position) : YNode(Position)
{
    public override string KindName => "a mapping";
}
