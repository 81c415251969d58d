using IncidentOrchestrator.Cli;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Cli;

public sealed class when_a_responder_works_from_the_terminal(RunsFixture fixture) : RunContext(fixture)
{
    private static readonly string Rui = Tokens.For("rui.responder", Roles.Responder);
    private static readonly string Lena = Tokens.For("lena.leadership", Roles.Leadership);
    private static readonly string Pia = Tokens.For("pia.privacy", Roles.Privacy);

    [Fact]
    public async Task a_commander_starts_a_run_and_watches_it_to_its_end_and_the_exit_code_follows_the_outcome()
    {
        var incident = (await Incident()).ToString();

        var succeeded = await Host.Incident(Api.Commander, "run", "start", incident, "test-retry", "--input", $"key={Key}", "--input", "failures=0", "--watch");
        Assert.True(succeeded.ExitCode == 0, succeeded.Out + succeeded.Error);
        Assert.Contains(": succeeded", succeeded.Out);
        Assert.Contains("flaky", succeeded.Out);

        var started = await Host.Incident(Api.Commander, "run", "start", incident, "test-retry", "--input", $"key={Key}-x", "--input", "failures=10", "-q");
        var failed = await Host.Incident(Api.Commander, "run", "watch", incident, started.Out.Trim());
        Assert.Equal(ExitCodes.Failure, failed.ExitCode);
        Assert.Contains(": failed", failed.Out);
        Assert.Equal("failed", System.Text.Json.JsonDocument.Parse((await Host.Incident(Api.Commander, "run", "show", incident, started.Out.Trim(), "-o", "json")).Out)
            .RootElement.GetProperty("status").GetString());

        var unknown = await Host.Incident(Api.Commander, "run", "start", incident, "no-such-playbook");
        Assert.Equal(ExitCodes.Failure, unknown.ExitCode);
        Assert.Contains("playbook", unknown.Error);
    }

    [Fact]
    public async Task the_on_call_responder_lists_acknowledges_and_completes_a_task_and_two_people_approve()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-people", new { key = Key });

        var task = await RunScenarios.Eventually(async () => (await Host.Incident(Rui, "task", "list", "--mine", "-o", "json")).Out,
            json => json.Contains(incident.ToString()));
        var taskId = System.Text.Json.JsonDocument.Parse(task).RootElement.EnumerateArray()
            .Single(t => t.GetProperty("incidentId").GetGuid() == incident).GetProperty("taskId").GetString()!;

        Assert.Equal(0, (await Host.Incident(Rui, "task", "ack", taskId)).ExitCode);
        Assert.Equal(ExitCodes.Conflict, (await Host.Incident(Rui, "task", "ack", taskId)).ExitCode);
        var missing = await Host.Incident(Rui, "task", "complete", taskId);
        Assert.Equal(ExitCodes.Failure, missing.ExitCode);
        Assert.Contains("outputs.readers: This output is required.", missing.Error);
        Assert.Equal(0, (await Host.Incident(Rui, "task", "complete", taskId, "--output", "readers=ann,bob", "--notes", "from the log")).ExitCode);

        var approvals = await RunScenarios.Eventually(async () => (await Host.Incident(Lena, "approval", "list", "--mine", "-o", "json")).Out,
            json => json.Contains(incident.ToString()));
        var approval = System.Text.Json.JsonDocument.Parse(approvals).RootElement.EnumerateArray()
            .Single(a => a.GetProperty("incidentId").GetGuid() == incident).GetProperty("approvalId").GetString()!;
        Assert.Equal(0, (await Host.Incident(Lena, "approve", approval, "--comment", "ok")).ExitCode);
        Assert.Equal(0, (await Host.Incident(Pia, "approve", approval)).ExitCode);

        var run = await Host.RunEnded(incident, runId);
        Assert.Equal("succeeded", run.Status);
        Assert.Equal("ann,bob", run.Step("investigate").Outputs.GetProperty("readers").GetString());
    }
}
