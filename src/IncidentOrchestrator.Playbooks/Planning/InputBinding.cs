using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Playbooks.Planning;

/// <summary>Checks the inputs given to a run against the playbook's declarations and applies defaults.</summary>
public static class InputBinding
{
    public sealed record Result(IReadOnlyDictionary<string, object?> Values, IReadOnlyDictionary<string, string> Problems)
    {
        public bool IsValid => Problems.Count == 0;
    }

    public static Result Bind(Playbook playbook, IReadOnlyDictionary<string, object?>? given)
    {
        given ??= new Dictionary<string, object?>();
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var name in given.Keys.Where(k => playbook.Input(k) is null))
            problems[name] = $"playbook '{playbook.Name}' has no input '{name}'";

        foreach (var input in playbook.Inputs)
        {
            given.TryGetValue(input.Name, out var raw);
            if (!InputValues.TryConvert(raw, input.Type, out var value))
            {
                problems[input.Name] = InputValues.NotA(input.Name, input.Type);
                continue;
            }
            value ??= input.Default;
            if (value is null && input.Required) problems[input.Name] = $"'{input.Name}' is required";
            values[input.Name] = value;
        }
        return new Result(values, problems);
    }
}
