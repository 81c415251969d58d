using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

/// <summary>The rule of the format, as docs/playbooks.md shows it.</summary>
public sealed class how_skips_travel
{
    private const string Chain = """
        apiVersion: incidents/v1
        kind: Playbook
        name: skips
        title: How skips travel
        inputs:
          programme: { type: string }
        steps:
          - id: suspend-programme
            when: inputs.programme != null
            action: programme.suspend
            with: { programme: "{{ inputs.programme }}" }
          - id: confirm-suspension
            needs: [suspend-programme]
            task: { assignee: role:commander, title: Confirm the pipeline stopped }
          - id: review
            needs: [confirm-suspension]
            task: { assignee: role:commander, title: Review }
        """;

    [Fact]
    public void a_false_when_skips_its_step_and_the_steps_that_need_it_but_no_further()
    {
        var plan = DryRun.Of(Load.Valid(Chain));

        Assert.Equal("skip", plan.Step("suspend-programme").Disposition);
        Assert.Equal("skip", plan.Step("confirm-suspension").Disposition);
        Assert.Equal("needs 'suspend-programme', which was skipped because its when is false", plan.Step("confirm-suspension").Reason);
        Assert.Equal("wait", plan.Step("review").Disposition);
        Assert.Equal([1, 2, 3], plan.Steps.Select(s => s.Wave!.Value));
    }

    [Fact]
    public void when_the_condition_holds_everything_runs()
    {
        var plan = DryRun.Of(Load.Valid(Chain), new { programme = "activity-insights" });

        Assert.Equal(["run", "wait", "wait"], plan.Steps.Select(s => s.Disposition));
        Assert.Equal(new Dictionary<string, object?> { ["programme"] = "activity-insights" }, plan.Step("suspend-programme").With);
    }
}
