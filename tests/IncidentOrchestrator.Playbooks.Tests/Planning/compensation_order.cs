using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

public sealed class compensation_order
{
    private const string Chain = """
        apiVersion: incidents/v1
        kind: Playbook
        name: chain
        title: Three revocations then a failing check
        inputs:
          who: { type: string, default: all_engineers }
        steps:
          - id: revoke-a
            action: postgres.revoke
            with: { connection: warehouse, table: hr.a, grantee: "{{ inputs.who }}" }
            compensate: { action: postgres.grant, with: { connection: warehouse, table: hr.a, grantee: "{{ inputs.who }}" } }
          - id: revoke-b
            needs: [revoke-a]
            action: postgres.revoke
            with: { connection: warehouse, table: hr.b, grantee: "{{ inputs.who }}" }
            compensate: { action: postgres.grant, with: { connection: warehouse, table: hr.b, grantee: "{{ inputs.who }}" } }
          - id: note
            needs: [revoke-a]
            action: incident.add-note
            with: { note: revoked a }
          - id: revoke-c
            needs: [revoke-b]
            action: postgres.revoke
            with: { connection: warehouse, table: hr.c, grantee: "{{ inputs.who }}" }
            compensate: { action: postgres.grant, with: { connection: warehouse, table: hr.c, grantee: "{{ inputs.who }}" } }
          - id: verify
            needs: [revoke-c]
            action: postgres.verify-no-access
            with: { connection: warehouse, table: hr.c, grantee: "{{ inputs.who }}" }
            onFailure: compensate
        """;

    [Fact]
    public void completed_steps_are_undone_in_reverse_order_of_completion()
    {
        var plan = DryRun.Of(Load.Valid(Chain), decisions: new() { ["verify"] = "failed" });

        Assert.Equal(Outcomes.Compensated, plan.Outcome);
        Assert.Equal(["revoke-c", "revoke-b", "revoke-a"], plan.Compensations.Select(c => c.Step));
        Assert.Equal([1, 2, 3], plan.Compensations.Select(c => c.Order));
        Assert.All(plan.Compensations, c => Assert.Equal("postgres.grant", c.Action));
        Assert.Equal("hr.c", plan.Compensations[0].With["table"]);
        Assert.Equal("all_engineers", plan.Compensations[0].With["grantee"]);
    }

    [Fact]
    public void a_failure_that_ends_the_run_leaves_later_steps_unreached_and_compensates_nothing()
    {
        var plan = DryRun.Of(Load.Valid(Chain.Replace("onFailure: compensate", "onFailure: fail")), decisions: new() { ["revoke-b"] = "failed" });

        Assert.Equal(Outcomes.Failed, plan.Outcome);
        Assert.Empty(plan.Compensations);
        Assert.Equal("not-reached", plan.Step("revoke-c").Disposition);
        Assert.Equal("the run ends failed before this step", plan.Step("verify").Reason);
    }

    [Fact]
    public void independent_steps_share_a_wave()
    {
        var plan = DryRun.Of(Load.Valid(Chain));

        Assert.Equal(plan.Step("revoke-b").Wave, plan.Step("note").Wave);
        Assert.Equal(4, plan.Waves);
    }
}
