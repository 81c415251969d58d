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

    [Fact]
    public async Task a_commander_steers_runs_from_the_terminal_retry_skip_cancel_and_a_rejection_ends_an_approval()
    {
        var incident = (await Incident()).ToString();

        // retry: the step's retries ran out and it escalated; the commander retries it and the run goes on
        var retried = (await Host.Incident(Api.Commander, "run", "start", incident, "test-retry-escalate", "--input", $"key={Key}", "--input", "failures=2", "-q")).Out.Trim();
        await Host.RunUntil(Guid.Parse(incident), Guid.Parse(retried), r => r.Step("flaky").Escalated, what: "escalated");
        Assert.Equal(0, (await Host.Incident(Api.Commander, "run", "retry", incident, retried, "flaky")).ExitCode);
        Assert.Equal(0, (await Host.Incident(Api.Commander, "run", "watch", incident, retried)).ExitCode);

        // skip: it never succeeds; the commander skips it
        var skipped = (await Host.Incident(Api.Commander, "run", "start", incident, "test-retry-escalate", "--input", $"key={Key}-s", "--input", "failures=10", "-q")).Out.Trim();
        await Host.RunUntil(Guid.Parse(incident), Guid.Parse(skipped), r => r.Step("flaky").Escalated, what: "escalated");
        var responderTries = await Host.Incident(Rui, "run", "skip", incident, skipped, "flaky");
        Assert.Equal(ExitCodes.NotFoundOrForbidden, responderTries.ExitCode); // commanders steer runs
        Assert.Equal(0, (await Host.Incident(Api.Commander, "run", "skip", incident, skipped, "flaky")).ExitCode);
        Assert.Equal(0, (await Host.Incident(Api.Commander, "run", "watch", incident, skipped)).ExitCode);

        // cancel, and a rejection: a run waiting for people
        var waiting = (await Host.Incident(Api.Commander, "run", "start", incident, "test-people", "--input", $"key={Key}-c", "-q")).Out.Trim();
        Assert.Equal(0, (await Host.Incident(Api.Commander, "run", "cancel", incident, waiting, "--reason", "false positive")).ExitCode);
        Assert.Equal(ExitCodes.Failure, (await Host.Incident(Api.Commander, "run", "watch", incident, waiting)).ExitCode); // cancelled is not success

        var runs = await Host.Incident(Api.Commander, "run", "list", incident);
        Assert.Contains("test-retry-escalate", runs.Out);
        Assert.Contains("cancelled", runs.Out);
        Assert.Equal(3, (await Host.Incident(Api.Commander, "run", "list", incident, "-q")).Out.Trim().Split('\n').Length);
        Assert.Contains("test-people", (await Host.Incident(Api.Commander, "playbook", "list")).Out);
    }

    [Fact]
    public async Task one_rejection_ends_an_approval_and_needs_a_comment()
    {
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-people", new { key = Key });
        var task = await RunScenarios.Eventually(async () => (await Host.Incident(Rui, "task", "list", "--mine", "--incident", incident.ToString(), "-q")).Out.Trim(),
            id => id.Length > 0);
        await Host.Incident(Rui, "task", "complete", task, "--output", "readers=ann");
        var approval = await RunScenarios.Eventually(async () => (await Host.Incident(Lena, "approval", "list", "--mine", "--incident", incident.ToString(), "-q")).Out.Trim(),
            id => id.Length > 0);

        Assert.Equal(ExitCodes.Usage, (await Host.Incident(Lena, "reject", approval)).ExitCode); // a rejection says why
        Assert.Equal(0, (await Host.Incident(Lena, "reject", approval, "--comment", "not before the review")).ExitCode);
        Assert.Equal(ExitCodes.Conflict, (await Host.Incident(Pia, "approve", approval)).ExitCode);
        var run = await Host.RunEnded(incident, runId);
        Assert.Equal("rejected", run.Step("approve").Outcome); // what depends on approval does not happen
        Assert.Equal("skipped", run.Step("after").Status);
    }
}
