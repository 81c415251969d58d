using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Runs;

namespace IncidentOrchestrator.Tests.Runs.Turns;

/// <summary>
/// The saga's side of approvers, a quorum and a wait the run gives: it asks those its values name, waits as long as they
/// say, and fails the step as it starts when they do not read, as its dry run says (the library's tests show the dry run).
/// </summary>
public sealed class approvals_and_waits_the_run_gives_on_a_fake_clock
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

    private static Dictionary<string, object?> Inputs(string approvers, decimal quorum, string duration) =>
        new() { ["approvers"] = approvers, ["quorum"] = quorum, ["duration"] = duration };

    [Fact]
    public async Task it_asks_those_its_values_name_and_waits_as_long_as_they_say()
    {
        var run = await InMemoryRun.StartAsync(Given, Inputs("user:hana, role:privacy, user:hana", 2, "90m"));

        var asked = Assert.Single(run.Sent.OfType<OpenApproval>());
        Assert.Equal(["user:hana", "role:privacy"], asked.Approvers);
        Assert.Equal(2, asked.Quorum);
        Assert.Equal("cmdr@corp", asked.RequestedBy);

        await run.DeliverAsync(new HumanStepEnded(run.Run.Id, "approve", "approved", [], "hana"));
        await run.WaitAsync(TimeSpan.FromMinutes(90) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(StepStatuses.Waiting, run.Run.Steps["hold"].Status);
        await run.WaitAsync(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RunStates.Succeeded, run.Run.Status);
    }

    [Theory]
    [InlineData("nobody", 1, "90m", "approve", "'nobody' is not an approver")]
    [InlineData("user:hana", 1, "soon", "hold", "'soon' is not a duration")]
    public async Task what_does_not_read_fails_the_step_as_it_starts(string approvers, int quorum, string duration, string step, string says)
    {
        var run = await InMemoryRun.StartAsync(Given, Inputs(approvers, quorum, duration));
        if (step == "hold") await run.DeliverAsync(new HumanStepEnded(run.Run.Id, "approve", "approved", [], "hana"));

        Assert.Equal(StepStatuses.Failed, run.Run.Steps[step].Status);
        Assert.Equal(RunStates.Failed, run.Run.Status);
        Assert.Contains(run.Lines, l => l.Contains(says));
        if (step == "approve") Assert.Empty(run.Sent.OfType<OpenApproval>());
    }
}
