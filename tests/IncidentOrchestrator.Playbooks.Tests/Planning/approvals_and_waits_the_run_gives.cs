using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

/// <summary>
/// Who approves, how many must, and how long a wait lasts can come from the run's values (a request's approvers and its
/// duration), read as the step starts; what does not read as approvers or a duration fails the step as it starts, as any
/// step that cannot start does, in a run and in its dry run alike.
/// </summary>
public sealed class approvals_and_waits_the_run_gives
{
    private const string Given = """
        apiVersion: incidents/v1
        kind: Playbook
        name: given
        title: Approvers and a wait the run gives
        inputs:
          approvers: { type: list, required: true }
          quorum: { type: number, required: true }
          duration: { type: string, required: true }
        steps:
          - id: approve
            approval: { approvers: "{{ inputs.approvers }}", quorum: "{{ inputs.quorum }}" }
          - id: hold
            needs: [approve]
            wait: "{{ inputs.duration }}"
        """;

    [Fact]
    public void they_are_read_as_the_step_starts()
    {
        var plan = DryRun.Of(Load.Valid(Given), new { approvers = new List<object?> { "user:hana", "role:privacy" }, quorum = 2m, duration = "4h" });

        Assert.StartsWith("waits for 2 approval(s) from user:hana, role:privacy", plan.Step("approve").Reason);
        Assert.StartsWith("waits 4h", plan.Step("hold").Reason);
    }

    [Theory]
    [InlineData("nobody", 1, "4h", "approve", "'nobody' is not an approver")]
    [InlineData("user:hana", 0, "4h", "approve", "the quorum '0' is not a positive whole number of distinct people")]
    [InlineData("user:hana", 2, "4h", "approve", "a quorum of 2 cannot be reached by 1 named people")]
    [InlineData("user:hana", 1, "soon", "hold", "'soon' is not a duration")]
    public void what_does_not_read_fails_the_step_as_it_starts(string approver, int quorum, string duration, string step, string says)
    {
        var plan = DryRun.Of(Load.Valid(Given), new { approvers = new List<object?> { approver }, quorum = (decimal)quorum, duration });

        Assert.Equal("failed", plan.Step(step).Outcome);
        Assert.StartsWith(says, plan.Step(step).Reason);
        Assert.Equal("failed", plan.Outcome);
    }

    [Fact]
    public void a_template_naming_what_the_run_does_not_have_is_an_error_of_the_playbook()
    {
        var errors = Load.Errors(Given.Replace("{{ inputs.duration }}", "{{ inputs.nope }}").Replace("{{ inputs.quorum }}", "{{ inputs.many }}"));

        Assert.Contains(errors, e => e.Message.Contains("inputs.nope"));
        Assert.Contains(errors, e => e.Message.Contains("inputs.many"));
    }

    [Fact]
    public void an_approval_whose_approvers_the_run_gives_does_not_let_an_action_that_needs_approval_through()
    {
        var errors = Load.Errors(Given.Replace("""
              - id: hold
                needs: [approve]
                wait: "{{ inputs.duration }}"
            """, """
              - id: resume
                needs: [approve]
                action: programme.resume
                with: { programme: activity-insights }
            """));

        Assert.Contains(errors, e => e.Message.Contains("'programme.resume' must come after an approval step whose approvers and quorum are written"));
    }

    [Fact]
    public void the_same_approver_named_twice_counts_once()
    {
        var plan = DryRun.Of(Load.Valid(Given), new { approvers = "user:hana, user:hana", quorum = 2m, duration = "4h" });

        Assert.StartsWith("a quorum of 2 cannot be reached by 1 named people", plan.Step("approve").Reason);
    }

    [Fact]
    public void they_are_read_as_inputs_are_read_from_text()
    {
        var plan = DryRun.Of(Load.Valid(Given.Replace("quorum: { type: number", "quorum: { type: string")),
            new { approvers = "user:hana\nrole:privacy", quorum = "2", duration = "90m" });

        Assert.StartsWith("waits for 2 approval(s) from user:hana, role:privacy", plan.Step("approve").Reason);
        Assert.StartsWith("waits 90m", plan.Step("hold").Reason);
    }

    [Fact]
    public void a_template_that_does_not_parse_is_one_error_at_its_place()
    {
        var errors = Load.Errors(Given.Replace("\"{{ inputs.approvers }}\"", "\"{{ inputs. }}\""));

        var error = Assert.Single(errors);
        Assert.Equal(ErrorCodes.ExpressionSyntax, error.Code);
        Assert.Equal(11, error.Line); // the approval's line
    }
}
