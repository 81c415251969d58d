using System.Globalization;
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

    /// <summary>
    /// Accepts a host value for an input of the given type, or says why not. Text is read by the declared type, so every
    /// door can pass what a person typed as it is: <c>50000</c> or <c>50,000</c> for a number, <c>true</c>/<c>yes</c> or
    /// <c>false</c>/<c>no</c> for a boolean, items separated by commas or lines for a list; blank text is no value (so a default applies, and a
    /// required input is missing); for a string it stays text (<c>007</c> stays <c>007</c>).
    /// </summary>
    public static bool TryConvert(object? value, InputType type, out object? converted)
    {
        converted = Expressions.Evaluator.Normalise(value);
        if (converted is string text && type != InputType.String) converted = string.IsNullOrWhiteSpace(text) ? null : FromText(text, type) ?? text;
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

    /// <summary>A number as people write it: digits, a sign, a decimal point, thousands separated by commas (<c>50,000.5</c>).</summary>
    public static bool TryReadNumber(string text, out decimal number) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out number);

    private static object? FromText(string text, InputType type) => type switch
    {
        InputType.Number when TryReadNumber(text, out var number) => number,
        InputType.Boolean => text.Trim().ToLowerInvariant() switch { "true" or "yes" => true, "false" or "no" => false, _ => null },
        InputType.List => text.Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(i => (object?)i).ToList(),
        _ => null,
    };

    /// <summary>
    /// What a person gave for a task's outputs, read by the types the task declares (an output not declared with a type is
    /// text, as given): the values, and a message for each that does not read as its type, keyed by output.
    /// </summary>
    public static (Dictionary<string, object?> Values, Dictionary<string, string> Problems) ReadOutputs(
        IReadOnlyDictionary<string, object?> given, IReadOnlyDictionary<string, InputType> types)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (!types.TryGetValue(name, out var type)) values[name] = value;
            else if (!TryConvert(value, type, out var converted)) problems[name] = NotA(name, type);
            else if (converted is null) problems[name] = $"'{name}' is required"; // every output is: blank text gives none
            else values[name] = converted;
        }
        return (values, problems);
    }

    /// <summary>Why a value is refused for its declared type, in the words every door shows.</summary>
    public static string NotA(string name, InputType type) => $"'{name}' must be a {type.ToString().ToLowerInvariant()}";
}
