using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Parsing;

/// <summary>A task's outputs: a list of names (text), or names with their types, as inputs declare theirs.</summary>
public sealed class task_outputs
{
    private static string Task(string outputs) => $$"""
        apiVersion: incidents/v1
        kind: Playbook
        name: asking
        title: Asking
        steps:
          - id: ask
            task: { assignee: role:responder, title: How many?, outputs: {{outputs}} }
        """;

    [Fact]
    public void names_with_types_declare_what_is_read_and_a_plain_list_stays_text()
    {
        var typed = (HumanTask)Load.Valid(Task("{ count: number, readers: list, confirmed: boolean, note: string }")).Step("ask")!.Kind;
        Assert.Equal(["count", "readers", "confirmed", "note"], typed.Outputs);
        Assert.Equal(new Dictionary<string, InputType>
        {
            ["count"] = InputType.Number, ["readers"] = InputType.List, ["confirmed"] = InputType.Boolean, ["note"] = InputType.String,
        }, typed.OutputTypes);

        var plain = (HumanTask)Load.Valid(Task("[count, readers]")).Step("ask")!.Kind;
        Assert.Equal(["count", "readers"], plain.Outputs);
        Assert.Empty(plain.OutputTypes);
    }

    [Fact]
    public void an_unknown_type_or_a_bad_name_is_an_error_at_its_place()
    {
        var errors = Load.Errors(Task("{ count: integer, 'bad name': string }")).Select(e => $"{e.Code} {e.Message}").ToList();

        Assert.Contains("PB063 output 'count' type must be string, number, boolean or list, not 'integer'", errors);
        Assert.Contains(errors, e => e.EndsWith("output name 'bad name' must be letters, digits and underscores"));
    }

    [Fact]
    public void what_is_given_is_read_by_the_declared_types_and_the_rest_stays_as_given()
    {
        var (values, problems) = InputValues.ReadOutputs(
            new Dictionary<string, object?> { ["count"] = "7", ["confirmed"] = "no", ["note"] = "007", ["when"] = "soon" },
            new Dictionary<string, InputType> { ["count"] = InputType.Number, ["confirmed"] = InputType.Boolean, ["when"] = InputType.Number });

        Assert.Equal(7m, values["count"]);
        Assert.Equal(false, values["confirmed"]);
        Assert.Equal("007", values["note"]);
        Assert.Equal(new Dictionary<string, string> { ["when"] = "'when' must be a number" }, problems);

        // A declared output must be given: blank text is none; a declared string takes text only.
        var (_, refused) = InputValues.ReadOutputs(new Dictionary<string, object?> { ["count"] = " ", ["note"] = 7m },
            new Dictionary<string, InputType> { ["count"] = InputType.Number, ["note"] = InputType.String });
        Assert.Equal(new Dictionary<string, string> { ["count"] = "'count' is required", ["note"] = "'note' must be a string" }, refused);
    }
}
