using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

/// <summary>
/// The run, the dry run and the replay decide a ready step with one rule (<see cref="StepDecision"/>), so what the plan and
/// the replay say is what the run did. The three places they used to disagree, settled as docs/playbooks.md says.
/// </summary>
public sealed class one_rule_decides_a_ready_step
{
    private static string Guarded(string onFailure) => $$"""
        apiVersion: incidents/v1
        kind: Playbook
        name: guarded
        title: A guard over what a person typed
        steps:
          - id: ask
            task: { assignee: role:responder, title: How many readers?, outputs: [count] }
          - id: act
            needs: [ask]
            when: steps.ask.outputs.count > 3
            action: incident.add-note
            with: { note: many readers }
            onFailure: {{onFailure}}
          - id: after
            needs: [act]
            action: incident.add-note
            with: { note: after }
        """;

    private static Planner.Request Answered(object count) => DryRun.Request(decisions: new() { ["ask"] = Outcomes.Succeeded }) with
    {
        Outputs = new Dictionary<string, IReadOnlyDictionary<string, object?>> { ["ask"] = new Dictionary<string, object?> { ["count"] = count } },
    };

    [Theory]
    [InlineData("fail", "failed", "not-reached")]
    [InlineData("continue", "succeeded", "skip")]
    [InlineData("escalate", "waiting", "not-reached")]
    public void a_when_that_cannot_be_evaluated_fails_its_step_and_the_steps_route_decides(string route, string run, string after)
    {
        var plan = Planner.Make(Load.Valid(Guarded(route)), Answered("many"));

        var act = plan.Step("act");
        Assert.Equal(Outcomes.Failed, act.Outcome);
        Assert.Contains("when 'steps.ask.outputs.count > 3' cannot be evaluated", act.Reason);
        Assert.Equal(route == "escalate" ? "escalate" : "fail", act.Disposition);
        Assert.Equal(run, plan.Outcome);
        Assert.Equal(after, plan.Step("after").Disposition);
    }

    [Theory]
    [InlineData("fail", "failed")]
    [InlineData("continue", "succeeded")]
    public void an_action_whose_parameters_cannot_be_rendered_fails_as_it_starts_whatever_was_assumed(string route, string run)
    {
        var playbook = Load.Valid(Guarded(route).Replace("    when: steps.ask.outputs.count > 3\n", "")
            .Replace("with: { note: many readers }", "with: { note: \"{{ steps.ask.outputs.count > 3 }}\" }"));

        var plan = Planner.Make(playbook, Answered("many") with { Decisions = new Dictionary<string, string> { ["ask"] = Outcomes.Succeeded, ["act"] = Outcomes.Succeeded } });

        var act = plan.Step("act");
        Assert.Equal(Outcomes.Failed, act.Outcome);
        Assert.StartsWith("parameters cannot be rendered: ", act.Reason);
        Assert.EndsWith($"onFailure: {route}", act.Reason);
        Assert.Equal(run, plan.Outcome);
        Assert.Equal(Outcomes.Succeeded, Planner.Make(playbook, Answered(7)).Step("act").Outcome);
    }

    [Fact]
    public void a_child_run_that_is_not_loaded_or_refuses_its_inputs_fails_its_step_in_the_plan_as_in_the_run()
    {
        const string child = """
            apiVersion: incidents/v1
            kind: Playbook
            name: child
            title: Child
            inputs:
              rows: { type: number, required: true }
            steps:
              - id: note
                action: incident.add-note
                with: { note: "{{ inputs.rows }}" }
            """;
        static string Parent(string rows) => $$"""
            apiVersion: incidents/v1
            kind: Playbook
            name: parent
            title: Parent
            inputs:
              rows: { type: number, default: 5 }
            steps:
              - id: count
                playbook: child
                with: { rows: {{rows}} }
            """;
        Plan Planned(string rows, bool loaded = true)
        {
            var library = Load.ValidLibrary(Parent(rows), child);
            return Planner.Make(library.Find("parent")!, DryRun.Request() with { Playbooks = loaded ? library.Find : _ => null });
        }

        var refused = Planned("many");
        Assert.Equal(Outcomes.Failed, refused.Step("count").Outcome);
        Assert.StartsWith("inputs of 'child': 'rows' must be a number", refused.Step("count").Reason);
        Assert.Equal("failed", refused.Outcome);
        Assert.StartsWith("playbook 'child' is not loaded", Planned("\"{{ inputs.rows }}\"", loaded: false).Step("count").Reason);
        Assert.Equal(Outcomes.Succeeded, Planned("\"{{ inputs.rows }}\"").Step("count").Outcome);
    }

    [Fact]
    public void a_when_that_holds_or_not_is_unchanged()
    {
        Assert.Equal("run", Planner.Make(Load.Valid(Guarded("fail")), Answered(7)).Step("act").Disposition);
        Assert.Equal("skip", Planner.Make(Load.Valid(Guarded("fail")), Answered(2)).Step("act").Disposition);
    }

    [Fact]
    public void the_rule_itself_skips_on_a_failed_need_before_a_skipped_one_and_fails_an_unreadable_guard()
    {
        var playbook = Load.Valid(Guarded("fail"));
        var act = playbook.Step("act")!;
        var after = playbook.Step("after")!;
        var scope = new ValueScope();
        scope.Steps["ask"] = new ValueScope.StepState(Outcomes.Succeeded, new Dictionary<string, object?> { ["count"] = "many" });

        Assert.Equal(new StepDecision.Skip("needs 'act', which failed", false, NeedFailed: true),
            StepDecision.For(after, _ => new StepDecision.NeedEnd(Outcomes.Failed, false), scope));
        var joined = Load.Valid(Guarded("fail").Replace("    needs: [act]\n    action: incident.add-note\n    with: { note: after }",
            "    needs: [ask, act]\n    action: incident.add-note\n    with: { note: after }")).Step("after")!;
        Assert.Equal(["ask", "act"], joined.Needs.Select(n => n.StepId));
        Assert.Equal(new StepDecision.Skip("needs 'act', which failed", false, NeedFailed: true), StepDecision.For(joined,
            id => id == "ask" ? new StepDecision.NeedEnd(Outcomes.Skipped, true) : new StepDecision.NeedEnd(Outcomes.Failed, false), scope));
        Assert.Equal(new StepDecision.Skip("needs 'act', which was skipped because its when is false", false),
            StepDecision.For(after, _ => new StepDecision.NeedEnd(Outcomes.Skipped, true), scope));
        Assert.Equal(new StepDecision.Start(), StepDecision.For(after, _ => new StepDecision.NeedEnd(Outcomes.Skipped, false), scope));
        Assert.IsType<StepDecision.Fail>(StepDecision.For(act, _ => new StepDecision.NeedEnd(Outcomes.Succeeded, false), scope));
    }

    [Fact]
    public void replaying_a_run_whose_guard_could_not_be_read_with_its_own_text_names_no_difference()
    {
        var playbook = Load.Valid(Guarded("fail"));
        var recorded = new RecordedRun(Guid.NewGuid(), Guid.NewGuid(), playbook.Hash, "failed", new Dictionary<string, object?>(), null,
            IncidentFacts.Preview("high", false), new Dictionary<string, RecordedStep>
            {
                ["ask"] = new("succeeded", Outcomes.Succeeded, 1, new Dictionary<string, object?> { ["count"] = "many" }),
                ["act"] = new("failed", Outcomes.Failed, 1, new Dictionary<string, object?>()),
                ["after"] = new("cancelled", null, 0, new Dictionary<string, object?>()),
            });

        var replay = Replayer.Replay(playbook, playbook, recorded);

        Assert.Empty(replay.Differences);
        Assert.Equal("failed", replay.CandidateStatus);
    }

    private const string Undone = """
        apiVersion: incidents/v1
        kind: Playbook
        name: undone
        title: A revocation undone when the check fails
        steps:
          - id: revoke
            action: postgres.revoke
            with: { connection: warehouse, table: hr.a, grantee: all }
            compensate: { action: incident.add-note, with: { note: "undone for {{ incident.severity }}" } }
          - id: verify
            needs: [revoke]
            action: postgres.verify-no-access
            with: { connection: warehouse, table: hr.a, grantee: all }
            onFailure: compensate
        """;

    [Fact]
    public void an_undo_is_rendered_from_the_run_not_the_incident_in_the_plan_as_in_the_run()
    {
        var plan = DryRun.Of(Load.Valid(Undone), decisions: new() { ["verify"] = Outcomes.Failed });

        Assert.Equal("undone for ", plan.Compensations.Single().With["note"]);
    }

    [Fact]
    public void replaying_a_compensated_run_with_its_own_text_names_no_difference()
    {
        var playbook = Load.Valid(Undone);
        var recorded = new RecordedRun(Guid.NewGuid(), Guid.NewGuid(), playbook.Hash, "compensated", new Dictionary<string, object?>(), null,
            IncidentFacts.Preview("high", false), new Dictionary<string, RecordedStep>
            {
                ["revoke"] = new("compensated", Outcomes.Compensated, 1, new Dictionary<string, object?>()),
                ["verify"] = new("failed", Outcomes.Failed, 1, new Dictionary<string, object?>()),
            });

        var replay = Replayer.Replay(playbook, playbook, recorded);

        Assert.Empty(replay.Differences);
        Assert.Equal("compensated", replay.CandidateStatus);
    }

    [Fact]
    public void a_dry_run_sees_the_six_facts_of_the_incident_a_run_sees()
    {
        // Every field a playbook may name (the validator's list), no more, no fewer.
        Assert.Equal(IncidentOrchestrator.Playbooks.Validation.PathRules.IncidentFields.Order(), IncidentFacts.Preview("high", false).Keys.Order());

        var phased = Load.Valid("""
            apiVersion: incidents/v1
            kind: Playbook
            name: phased
            title: Acts only in triage
            steps:
              - id: triage-note
                when: incident.phase == 'triage' && incident.status == 'open'
                action: incident.add-note
                with: { note: in triage }
            """);
        Assert.Equal("run", DryRun.Of(phased).Step("triage-note").Disposition);
    }
}
