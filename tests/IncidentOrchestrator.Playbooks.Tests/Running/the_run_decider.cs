using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Running;

/// <summary>
/// The run's rules, read without a saga, a database or a clock: each test drives a playbook through the decider, folding its
/// decisions as the saga does, and reads the course it took.
/// </summary>
public sealed class the_run_decider
{
    private static string Playbook(string steps, string defaults = "") => $"""
        apiVersion: incidents/v1
        kind: Playbook
        name: decided
        title: Decided
        inputs:
          who: {"{"} type: string, default: all_engineers {"}"}
        {defaults}
        steps:
        {steps}
        """;

    private const string Revocations = """
          - id: revoke-a
            action: postgres.revoke
            with: { connection: warehouse, table: hr.a, grantee: "{{ inputs.who }}" }
            compensate: { action: postgres.grant, with: { connection: warehouse, table: hr.a, grantee: "{{ inputs.who }}" } }
          - id: note
            needs: [revoke-a]
            action: incident.add-note
            with: { note: revoked }
          - id: revoke-b
            needs: [revoke-a]
            action: postgres.revoke
            with: { connection: warehouse, table: hr.b, grantee: "{{ inputs.who }}" }
            compensate: { action: postgres.grant, with: { connection: warehouse, table: hr.b, grantee: "{{ inputs.who }}" } }
            retry: { attempts: 3, backoff: 2s, maxBackoff: 3s }
          - id: verify
            needs: [revoke-b]
            action: postgres.verify-no-access
            with: { connection: warehouse, table: hr.b, grantee: "{{ inputs.who }}" }
            onFailure: ROUTE
        """;

    private static Driving Drive(string route) => new(Load.Valid(Playbook(Revocations.Replace("ROUTE", route))));

    [Fact]
    public void a_step_starts_when_its_needs_have_ended_and_the_run_ends_when_every_step_has()
    {
        var run = Drive("fail").Advance();
        Assert.Equal(["start revoke-a #1"], run.Log);

        run.Succeeds("revoke-a").Succeeds("note").Succeeds("revoke-b").Succeeds("verify");

        Assert.Equal(["start revoke-a #1", "revoke-a succeeded", "start note #1", "start revoke-b #1", "note succeeded", "revoke-b succeeded",
            "start verify #1", "verify succeeded", "end succeeded"], run.Log);
        Assert.Equal(["revoke-a", "note", "revoke-b", "verify"], run.Run.Completed);
    }

    [Fact]
    public void a_failed_attempt_is_retried_with_a_growing_capped_delay_then_fails_by_its_route()
    {
        var run = Drive("fail").Advance().Succeeds("revoke-a").Succeeds("note");

        run.AttemptFails("revoke-b").RetryComesDue("revoke-b", 2).AttemptFails("revoke-b").RetryComesDue("revoke-b", 3).AttemptFails("revoke-b");

        Assert.Equal(["revoke-b attempt 1 failed", "retry revoke-b #2 in 2s", "start revoke-b #2", "revoke-b attempt 2 failed",
            "retry revoke-b #3 in 3s", "start revoke-b #3", "revoke-b attempt 3 failed",
            "fail revoke-b (fail) after 3", "cancel verify", "end failed: step revoke-b failed: refused"], run.From("revoke-b attempt 1 failed"));
        Assert.Equal(StepStatuses.Cancelled, run.Run.Steps["verify"].Status);
        Assert.Equal("refused", run.Run.Steps["revoke-b"].Error);
    }

    [Fact]
    public void a_retry_that_comes_due_late_or_twice_starts_nothing()
    {
        var run = Drive("fail").Advance().Succeeds("revoke-a").Succeeds("note").AttemptFails("revoke-b");
        var playbook = Load.Valid(Playbook(Revocations.Replace("ROUTE", "fail")));
        var revokeB = playbook.Step("revoke-b")!;

        Assert.Empty(RunDecider.RetryDue(run.Run, revokeB, 3)); // not the attempt that was scheduled
        run.RetryComesDue("revoke-b", 2);
        Assert.Empty(RunDecider.RetryDue(run.Run, revokeB, 2)); // delivered again: that attempt has begun
        run.AttemptFails("revoke-b");
        Assert.NotEmpty(RunDecider.RetryDue(run.Run, revokeB, 3)); // the retry it now waits for
        run.Cancels();
        Assert.Empty(RunDecider.RetryDue(run.Run, revokeB, 3)); // the run was cancelled while the retry waited
    }

    [Fact]
    public void compensation_undoes_the_succeeded_actions_last_first_retrying_an_undo_by_its_steps_policy()
    {
        var run = Drive("compensate").Advance().Succeeds("revoke-a").Succeeds("note").Succeeds("revoke-b").AttemptFails("verify");

        Assert.Equal(["verify attempt 1 failed", "fail verify (compensate) after 1", "undo revoke-b #1"], run.From("verify attempt 1 failed"));
        Assert.Equal(RunStates.Compensating, run.Run.State);
        Assert.Empty(RunDecider.Next(Load.Valid(Playbook(Revocations.Replace("ROUTE", "compensate"))), run.Run, _ => new ValueScope()));

        run.UndoEnds("revoke-b", 1, succeeded: false).UndoEnds("revoke-b", 2, succeeded: true).UndoEnds("revoke-a", 1, succeeded: true);

        Assert.Equal(["undo revoke-b attempt 1 failed", "undo revoke-b #2 in 2s", "undone revoke-b", "undo revoke-a #1", "undone revoke-a",
            "end compensated: step verify failed"], run.From("undo revoke-b attempt 1 failed"));
        Assert.Equal(Outcomes.Compensated, run.Run.Steps["revoke-a"].Outcome);
        Assert.Equal(Outcomes.Succeeded, run.Run.Steps["note"].Outcome); // a step without an undo stays as it ended
    }

    [Fact]
    public void an_undo_that_fails_for_good_is_recorded_the_others_still_run_and_the_run_ends_failed()
    {
        var run = Drive("compensate").Advance().Succeeds("revoke-a").Succeeds("note").Succeeds("revoke-b").AttemptFails("verify");

        run.UndoEnds("revoke-b", 3, succeeded: false).UndoEnds("revoke-a", 1, succeeded: true);

        Assert.Equal(["undo of revoke-b failed", "undo revoke-a #1", "undone revoke-a", "end failed: step verify failed; an undo failed"], run.From("undo of revoke-b failed"));
    }

    [Fact]
    public void failing_cancels_what_is_still_under_way_before_the_run_ends_or_undoes()
    {
        var failed = Drive("compensate").Advance().Succeeds("revoke-a").AttemptFails("note"); // note's route is the default, fail
        Assert.Equal(["note attempt 1 failed", "fail note (fail) after 1", "cancel revoke-b", "cancel verify", "end failed: step note failed: refused"],
            failed.From("note attempt 1 failed"));

        var compensating = Drive("compensate").Advance().Succeeds("revoke-a").Succeeds("revoke-b").AttemptFails("verify");
        Assert.Equal(["verify attempt 1 failed", "fail verify (compensate) after 1", "cancel note", "undo revoke-b #1"],
            compensating.From("verify attempt 1 failed"));
    }

    [Fact]
    public void a_failure_that_continues_lets_the_run_go_on_and_end_succeeded()
    {
        var run = Drive("continue").Advance().Succeeds("revoke-a").Succeeds("note").Succeeds("revoke-b").AttemptFails("verify");

        Assert.Equal(["verify attempt 1 failed", "fail verify (continue) after 1", "end succeeded"], run.From("verify attempt 1 failed"));
    }

    [Fact]
    public void an_escalated_step_waits_for_the_commander_who_retries_it_on_its_next_attempt()
    {
        var run = Drive("escalate").Advance().Succeeds("revoke-a").Succeeds("note").Succeeds("revoke-b").AttemptFails("verify");
        Assert.Equal(["verify attempt 1 failed", "escalate verify after 1"], run.From("verify attempt 1 failed"));
        Assert.True(run.Run.Steps["verify"].Escalated);

        run.Resolves("verify", "retry").Succeeds("verify");

        Assert.Equal(["verify resolved retry", "start verify #2", "verify succeeded", "end succeeded"], run.From("verify resolved retry"));
        Assert.Equal("retry", run.Run.Steps["verify"].Resolution);
    }

    [Fact]
    public void the_commander_can_skip_an_escalated_step_or_abort_the_run()
    {
        var skipped = Drive("escalate").Advance().Succeeds("revoke-a").Succeeds("note").Succeeds("revoke-b").AttemptFails("verify")
            .Resolves("verify", "skip");
        Assert.Equal(["verify resolved skip", "skip verify: skipped by cmdr@corp after escalation", "end succeeded"], skipped.From("verify resolved skip"));

        var aborted = Drive("escalate").Advance().Succeeds("revoke-a").Succeeds("note").Succeeds("revoke-b").AttemptFails("verify")
            .Resolves("verify", "abort");
        Assert.Equal(["verify resolved abort", "cancel requested by cmdr@corp", "cancel verify", "end cancelled: aborted by cmdr@corp after step verify failed"],
            aborted.From("verify resolved abort"));
    }

    [Fact]
    public void a_guard_that_cannot_be_read_takes_the_failure_route_and_a_retry_reads_it_anew()
    {
        var playbook = Load.Valid(Playbook("""
              - id: ask
                task: { assignee: role:responder, title: How many?, outputs: [count] }
              - id: act
                needs: [ask]
                when: "steps.ask.outputs.count > 3"
                action: incident.add-note
                with: { note: many }
                onFailure: escalate
            """));
        var run = new Driving(playbook).Advance();
        run.Run.Succeeded("ask", Outcomes.Succeeded, new() { ["count"] = System.Text.Json.JsonSerializer.SerializeToElement("many") }, false, DateTimeOffset.UnixEpoch);
        run.Advance();
        Assert.Equal(["start ask #1", "escalate act after 1"], run.Log);
        Assert.Equal(0, run.Run.Steps["act"].Attempts);

        // The person corrects the answer; the commander's retry begins the step again, guard first.
        run.Run.Steps["ask"].Outputs = new() { ["count"] = System.Text.Json.JsonSerializer.SerializeToElement(7) };
        run.Resolves("act", "retry");

        Assert.Equal(["act resolved retry", "start act #1"], run.From("act resolved retry"));
    }

    [Fact]
    public void a_decision_on_a_guard_that_reads_the_incident_carries_the_facts_it_read_and_only_those()
    {
        var playbook = Load.Valid(Playbook("""
              - id: raise
                when: "incident.severity != 'critical' && inputs.who != 'nobody'"
                action: incident.set-severity
                with: { severity: critical }
              - id: unguarded
                action: incident.add-note
                with: { note: "{{ incident.title }}" }
              - id: quiet
                when: "incident.phase == 'recovery'"
                action: incident.add-note
                with: { note: recovering }
            """));
        var incident = IncidentFacts.Of("i-1", "Leak", "high", true, "open", "containment");
        var run = RunState.For(playbook);
        var scope = new ValueScope { Incident = incident, Inputs = new Dictionary<string, object?> { ["who"] = "all" } };

        var raise = Assert.IsType<RunDecision.StartStep>(Assert.Single(RunDecider.Next(playbook, run, _ => scope)));
        Assert.Equal(new Dictionary<string, object?> { ["severity"] = "high" }, raise.Read!.Facts);
        run.Started("raise", 1, true, DateTimeOffset.UnixEpoch);
        var unguarded = Assert.IsType<RunDecision.StartStep>(Assert.Single(RunDecider.Next(playbook, run, _ => scope)));
        Assert.Null(unguarded.Read);
        run.Started("unguarded", 1, true, DateTimeOffset.UnixEpoch);
        var quiet = Assert.IsType<RunDecision.SkipStep>(Assert.Single(RunDecider.Next(playbook, run, _ => scope)));
        Assert.Equal(new Dictionary<string, object?> { ["phase"] = "containment" }, quiet.Read!.Facts);
    }

    [Fact]
    public void only_a_skip_by_its_own_when_travels_to_the_steps_that_need_it()
    {
        var playbook = Load.Valid(Playbook("""
              - id: gate
                when: "inputs.who == 'nobody'"
                action: incident.add-note
                with: { note: gate }
              - id: after
                needs: [gate]
                action: incident.add-note
                with: { note: after }
              - id: independent
                action: incident.add-note
                with: { note: independent }
            """));
        var run = new Driving(playbook, new ValueScope { Inputs = new Dictionary<string, object?> { ["who"] = "all_engineers" } }).Advance();

        Assert.Equal(["skip gate: when 'inputs.who == 'nobody'' is false", "skip after: needs 'gate', which was skipped because its when is false",
            "start independent #1"], run.Log);
    }

    [Fact]
    public void cancelling_cancels_every_step_that_has_not_ended_and_nothing_is_decided_after()
    {
        var playbook = Load.Valid(Playbook(Revocations.Replace("ROUTE", "fail")));
        var run = new Driving(playbook).Advance().Succeeds("revoke-a").Cancels();

        Assert.Equal(["cancel requested by cmdr@corp", "cancel note", "cancel revoke-b", "cancel verify", "end cancelled: cancelled by cmdr@corp"],
            run.From("cancel requested by cmdr@corp"));
        Assert.Empty(RunDecider.Next(playbook, run.Run, _ => new ValueScope()));
        Assert.Empty(RunDecider.Cancel(run.Run, null, "again").OfType<RunDecision.CancelStep>());
    }
}
