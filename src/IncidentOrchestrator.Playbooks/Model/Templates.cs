using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Model;

/// <summary>Text with <c>{{ }}</c> holes, with where it stands in the file.</summary>
public sealed record TextTemplate(Template Template, Position Position)
{
    public string Render(IExpressionScope scope) => Template.RenderText(scope);

    /// <summary>Text for people: a template that cannot be rendered shows its source rather than failing what shows it.</summary>
    public string RenderForPeople(IExpressionScope scope)
    {
        try { return Render(scope); }
        catch (ExpressionException) { return Template.Source; }
    }
}

/// <summary>A parameter value: text (a template), a number, a boolean, null, a list or a mapping of them.</summary>
public abstract record ValueTemplate(Position Position)
{
    public abstract object? Render(IExpressionScope scope);

    public abstract IEnumerable<(Template Template, Position Position)> Templates();
}

public sealed record TextValue(Template Template, Position Position) : ValueTemplate(Position)
{
    public override object? Render(IExpressionScope scope) => Template.Render(scope);
    public override IEnumerable<(Template, Position)> Templates() => [(Template, Position)];
}

public sealed record ConstantValue(object? Value, Position Position) : ValueTemplate(Position)
{
    public override object? Render(IExpressionScope scope) => Value;
    public override IEnumerable<(Template, Position)> Templates() => [];
}

public sealed record ListValue(IReadOnlyList<ValueTemplate> Items, Position Position) : ValueTemplate(Position)
{
    public override object? Render(IExpressionScope scope) => Items.Select(i => i.Render(scope)).ToList();
    public override IEnumerable<(Template, Position)> Templates() => Items.SelectMany(i => i.Templates());
}

public sealed record MapValue(IReadOnlyList<Parameter> Entries, Position Position) : ValueTemplate(Position)
{
    public override object? Render(IExpressionScope scope) =>
        Entries.ToDictionary(e => e.Name, e => e.Value.Render(scope), StringComparer.Ordinal);

    public override IEnumerable<(Template, Position)> Templates() => Entries.SelectMany(e => e.Value.Templates());
}
