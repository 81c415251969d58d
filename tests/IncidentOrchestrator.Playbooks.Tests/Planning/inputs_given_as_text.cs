using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

/// <summary>
/// What a person types (in the console, in chat, on the command line) is read by the input's declared type, by one rule
/// for every door: the service's own binding.
/// </summary>
public sealed class inputs_given_as_text
{
    private static readonly Model.Playbook Typed = Load.Valid("""
        apiVersion: incidents/v1
        kind: Playbook
        name: typed
        title: Typed
        inputs:
          rows: { type: number }
          code: { type: string }
          dryRun: { type: boolean }
          tables: { type: list }
        steps:
          - id: note
            action: incident.add-note
            with: { note: "{{ inputs.rows }}" }
        """);

    private static InputBinding.Result Bind(params (string Name, object? Value)[] given) =>
        InputBinding.Bind(Typed, given.ToDictionary(g => g.Name, g => g.Value));

    [Fact]
    public void text_is_read_by_the_declared_type_and_text_for_a_string_stays_as_typed()
    {
        var bound = Bind(("rows", " 50000 "), ("code", "007"), ("dryRun", "True"), ("tables", "hr.a, hr.b\nhr.c"));

        Assert.True(bound.IsValid, string.Join("; ", bound.Problems.Values));
        Assert.Equal(50000m, bound.Values["rows"]);
        Assert.Equal("007", bound.Values["code"]);
        Assert.Equal(true, bound.Values["dryRun"]);
        Assert.Equal(["hr.a", "hr.b", "hr.c"], Assert.IsAssignableFrom<IEnumerable<object?>>(bound.Values["tables"]));
        Assert.Equal(-1.5m, Bind(("rows", "-1.5")).Values["rows"]);
        Assert.Equal(50000m, Bind(("rows", "50,000")).Values["rows"]);
    }

    [Fact]
    public void text_that_does_not_read_as_the_type_and_values_of_another_type_are_refused_with_the_usual_messages()
    {
        Assert.Equal("'rows' must be a number", Bind(("rows", "many")).Problems["rows"]);
        Assert.Equal("'rows' must be a number", Bind(("rows", "1e5")).Problems["rows"]);
        Assert.Equal("'dryRun' must be a boolean", Bind(("dryRun", "maybe")).Problems["dryRun"]);
        Assert.Equal(false, Bind(("dryRun", "No")).Values["dryRun"]);
        Assert.Equal("'code' must be a string", Bind(("code", 7)).Problems["code"]);
    }

    [Fact]
    public void blank_text_is_no_value_so_a_default_applies_and_a_required_input_is_missing()
    {
        var playbook = Load.Valid("""
            apiVersion: incidents/v1
            kind: Playbook
            name: blanks
            title: Blanks
            inputs:
              tables: { type: list, required: true }
              rows: { type: number, default: 10 }
            steps:
              - id: note
                action: incident.add-note
                with: { note: "{{ inputs.rows }}" }
            """);

        var bound = InputBinding.Bind(playbook, new Dictionary<string, object?> { ["tables"] = " ", ["rows"] = "" });

        Assert.Equal("'tables' is required", bound.Problems["tables"]);
        Assert.Equal(10m, bound.Values["rows"]);
    }
}
