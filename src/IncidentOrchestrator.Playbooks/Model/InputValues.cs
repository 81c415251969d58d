using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Model;

/// <summary>Typed input values (string, decimal, bool, list) from YAML or from host values.</summary>
public static class InputValues
{
    public static object? FromYaml(YNode node, InputType type) => (type, node) switch
    {
        (InputType.String, YScalar s) when !s.IsNull => s.Value,
        (InputType.Number, YScalar s) => s.AsNumber,
        (InputType.Boolean, YScalar s) => s.AsBool,
        (InputType.List, YSequence seq) when seq.Items.All(i => i is YScalar) => seq.Items.Cast<YScalar>().Select(i => (object?)i.Value).ToList(),
        _ => null,
    };

    /// <summary>Accepts a host value for an input of the given type, or says why not.</summary>
    public static bool TryConvert(object? value, InputType type, out object? converted)
    {
        converted = Expressions.Evaluator.Normalise(value);
        return (type, converted) switch
        {
            (_, null) => true,
            (InputType.String, string) => true,
            (InputType.Number, decimal) => true,
            (InputType.Boolean, bool) => true,
            (InputType.List, IReadOnlyList<object?>) => true,
            _ => false,
        };
    }
}
