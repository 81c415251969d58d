using IncidentOrchestrator.Notifications;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Tasks;

namespace IncidentOrchestrator.Tests.Runs.Turns;

/// <summary>
/// The saga's own turns, in memory and on a fake clock: what a run records and sends when attempts fail and are retried,
/// when waits elapse or signals arrive, when it undoes its steps, escalates, or is cancelled. Milliseconds, no database.
/// </summary>
public sealed class a_runs_turns_on_a_fake_clock
{
    private const string Header = """
        apiVersion: incidents/v1
        kind: Playbook
        name: turns
        title: Turns
        steps:

        """;

    private const string Revoke = """
          - id: revoke-a
            action: postgres.revoke
            with: { connection: warehouse, table: hr.a, grantee: all_engineers }
            compensate: { action: postgres.grant, with: { connection: warehouse, table: hr.a, grantee: all_engineers } }
          - id: revoke-b
            needs: [revoke-a]
            action: postgres.revoke
            with: { connection: warehouse, table: hr.b, grantee: all_engineers }
            compensate: { action: postgres.grant, with: { connection: warehouse, table: hr.b, grantee: all_engineers } }
            retry: { attempts: 3, backoff: 2s, maxBackoff: 3s }
          - id: verify
            needs: [revoke-b]
            action: postgres.verify-no-access
            with: { connection: warehouse, table: hr.b, grantee: all_engineers }
            onFailure: ROUTE

        """;

    private static Task<InMemoryRun> StartAsync(string route) => InMemoryRun.StartAsync(Header + Revoke.Replace("ROUTE", route));

    [Fact]
    public async Task a_failed_attempt_is_sent_again_when_its_backoff_has_passed_and_not_before()
    {
        var run = await StartAsync("fail");
        await run.ReportsAsync("revoke-a", succeeded: true);
        await run.ReportsAsync("revoke-b", succeeded: false);

        Assert.Contains("Step revoke-b will retry (attempt 2) at 2026-12-03T09:00:02.0000000+00:00", run.Lines);
        await run.WaitAsync(TimeSpan.FromMilliseconds(1999));
        Assert.Single(run.Executions("revoke-b"));
        await run.WaitAsync(TimeSpan.FromMilliseconds(1));
        Assert.Equal([1, 2], run.Executions("revoke-b").Select(e => e.Attempt));

        await run.ReportsAsync("revoke-b", succeeded: false);
        await run.WaitAsync(TimeSpan.FromSeconds(2.999));
        Assert.Equal(2, run.Executions("revoke-b").Count); // the backoff doubles, capped at 3s
        await run.WaitAsync(TimeSpan.FromMilliseconds(1));
        await run.ReportsAsync("revoke-b", succeeded: false);

        Assert.Equal(RunStates.Failed, run.Run.Status);
        Assert.Equal(3, run.Run.Steps["revoke-b"].Attempts);
        Assert.Equal(StepStatuses.Cancelled, run.Run.Steps["verify"].Status);
        Assert.Equal(new[]
        {
            "Step revoke-b attempt 3 failed: connection refused",
            "Step revoke-b failed after 3 attempt(s): connection refused (onFailure: fail)",
            "Step verify cancelled",
            "Playbook turns ended failed: step revoke-b failed: connection refused",
        }, run.Lines.TakeLast(4));
        Assert.Empty(run.Executions("verify"));
    }

    [Fact]
    public async Task compensation_sends_the_undos_last_first_and_retries_a_failed_undo_after_its_backoff()
    {
        var run = await StartAsync("compensate");
        await run.ReportsAsync("revoke-a", succeeded: true);
        await run.ReportsAsync("revoke-b", succeeded: true);
        await run.ReportsAsync("verify", succeeded: false);

        Assert.Equal(RunStates.Running, run.Run.Status); // compensating
        Assert.Single(run.Executions("revoke-b", undo: true));
        Assert.Empty(run.Executions("revoke-a", undo: true)); // one undo at a time

        await run.ReportsAsync("revoke-b", succeeded: false, undo: true);
        await run.WaitAsync(TimeSpan.FromMilliseconds(1999));
        Assert.Single(run.Executions("revoke-b", undo: true));
        await run.WaitAsync(TimeSpan.FromMilliseconds(1));
        await run.ReportsAsync("revoke-b", succeeded: true, undo: true);
        await run.ReportsAsync("revoke-a", succeeded: true, undo: true);

        Assert.Equal(RunStates.Compensated, run.Run.Status);
        Assert.Equal("postgres.grant", run.Executions("revoke-a", undo: true).Single().Action);
        Assert.Equal(new[]
        {
            "Step revoke-b attempt 1 failed: undo with postgres.grant: connection refused",
            "Step revoke-b undone by postgres.grant",
            "Step revoke-a undone by postgres.grant",
            "Playbook turns ended compensated: step verify failed",
        }, run.Lines.TakeLast(4));
    }

    [Fact]
    public async Task an_escalated_step_gives_the_commander_a_task_and_their_retry_sends_the_next_attempt()
    {
        var run = await StartAsync("escalate");
        await run.ReportsAsync("revoke-a", succeeded: true);
        await run.ReportsAsync("revoke-b", succeeded: true);
        await run.ReportsAsync("verify", succeeded: false);

        var task = run.Sent.OfType<OpenTask>().Single();
        Assert.Equal((RunDecider.Escalation, "verify"), (task.AssignedAs, task.StepId));
        Assert.Equal(RunStates.Waiting, run.Run.Status);

        await run.DeliverAsync(new ResolveEscalation(run.Run.Id, "verify", "retry", "cmdr@corp"));
        Assert.Equal([1, 2], run.Executions("verify").Select(e => e.Attempt));
        Assert.Contains(run.Sent.OfType<RunWorkClosed>(), c => c.StepId == "verify"); // the commander's task is answered

        await run.ReportsAsync("verify", succeeded: true);
        Assert.Equal(RunStates.Succeeded, run.Run.Status);
        Assert.Equal("retry", run.Run.Steps["verify"].Resolution);
    }

    [Fact]
    public async Task a_wait_for_a_signal_ends_with_the_signal_or_when_its_time_is_up_and_forgets_its_record_either_way()
    {
        const string waits = """
              - id: confirm
                wait: { signal: access.revoked, within: 10m }
              - id: pause
                needs: [confirm]
                wait: 30m
              - id: note
                needs: [pause]
                action: incident.add-note
                with: { note: "{{ steps.confirm.outcome }}" }

            """;
        var signalled = await InMemoryRun.StartAsync(Header + waits);
        Assert.Single(signalled.Waits);
        await signalled.DeliverAsync(new SignalArrived(signalled.Run.Id, "confirm", Guid.CreateVersion7(), "access.revoked"));
        Assert.Empty(signalled.Waits);
        Assert.Equal("signalled", signalled.Run.Steps["confirm"].Outcome);

        var elapsed = await InMemoryRun.StartAsync(Header + waits);
        await elapsed.WaitAsync(TimeSpan.FromMinutes(10));
        Assert.Empty(elapsed.Waits);
        Assert.Equal("elapsed", elapsed.Run.Steps["confirm"].Outcome);

        await elapsed.WaitAsync(TimeSpan.FromMinutes(29));
        Assert.Equal(StepStatuses.Waiting, elapsed.Run.Steps["pause"].Status);
        await elapsed.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("elapsed", elapsed.Run.Steps["pause"].Outcome);
        Assert.Equal("elapsed", elapsed.Executions("note").Single().Parameters["note"].GetString());
    }

    [Fact]
    public async Task cancelling_cancels_what_waits_forgets_its_signal_record_and_ignores_a_late_result()
    {
        var run = await InMemoryRun.StartAsync(Header + """
              - id: revoke
                action: postgres.revoke
                with: { connection: warehouse, table: hr.a, grantee: all_engineers }
              - id: confirm
                wait: { signal: access.revoked, within: 10m }

            """);
        await run.DeliverAsync(new CancelRun(run.Run.Id, "false alarm", "cmdr@corp"));

        Assert.Equal(RunStates.Cancelled, run.Run.Status);
        Assert.Empty(run.Waits);
        Assert.Equal([StepStatuses.Cancelled, StepStatuses.Cancelled], run.Run.Steps.Values.Select(s => s.Status));
        Assert.Contains(run.Sent.OfType<Notify>(), n => n.Title == "Playbook turns ended cancelled: false alarm");
        var recorded = run.Events.Count;

        await run.ReportsAsync("revoke", succeeded: true);
        await run.WaitAsync(TimeSpan.FromMinutes(10)); // the wait's timer fires too, into a run that has ended

        Assert.Equal(recorded, run.Events.Count);
        Assert.Equal(StepStatuses.Cancelled, run.Run.Steps["revoke"].Status);
    }

    [Theory]
    [InlineData(true)] // the step it needs went through: containment did its part
    [InlineData(false)] // its need failed and the run went on: the revoke never happened, the incident is not contained
    public async Task a_containment_step_skipped_because_its_need_failed_leaves_the_incident_uncontained(bool prepared)
    {
        var run = await InMemoryRun.StartAsync(Header + """
              - id: prepare
                action: postgres.verify-no-access
                with: { connection: warehouse, table: hr.a, grantee: nobody }
                onFailure: continue
              - id: revoke
                needs: [prepare]
                phase: containment
                action: postgres.revoke
                with: { connection: warehouse, table: hr.a, grantee: all_engineers }
              - id: suspend
                phase: containment
                when: "inputs.programme != null"
                action: postgres.revoke
                with: { connection: warehouse, table: hr.b, grantee: all_engineers }
            inputs:
              programme: { type: string }
            """);
        await run.ReportsAsync("prepare", succeeded: prepared);
        if (prepared) await run.ReportsAsync("revoke", succeeded: true);

        Assert.Equal(RunStates.Succeeded, run.Run.Status);
        Assert.Equal(StepStatuses.Skipped, run.Run.Steps["suspend"].Status); // skipped by its when: not needed, so it counts
        Assert.Equal(!prepared, run.Events.OfType<StepSkipped>().Any(e => e is { StepId: "revoke", NeedFailed: true }));
        Assert.Equal(prepared, run.Events.OfType<IncidentOrchestrator.Incidents.IncidentContained>().Any());

        // What another run of the incident sees: the incident folded from this run's events keeps the revoke open.
        var incident = new IncidentOrchestrator.Incidents.Incident { Id = run.Incident.Id, Status = IncidentOrchestrator.Contracts.IncidentStatus.Open };
        foreach (var e in run.Events) incident.When(e);
        Assert.Equal(prepared ? [] : [IncidentOrchestrator.Incidents.Incident.ContainmentKey(run.Run.Id, "revoke")], incident.OpenContainmentSteps);
    }
}
