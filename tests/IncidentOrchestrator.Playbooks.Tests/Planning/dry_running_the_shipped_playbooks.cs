using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

public sealed class dry_running_the_shipped_playbooks
{
    private static readonly object Exposure = new { dataset = "hr.employee_activity", grantee = "all_engineers", programme = "activity-insights" };

    [Fact]
    public void the_scenario_contains_first_then_investigates_then_recovers_in_waves()
    {
        var plan = DryRun.Of("sensitive-data-exposure", Exposure);

        Assert.Equal(Outcomes.Succeeded, plan.Outcome);
        Assert.Equal(7, plan.Waves);
        Assert.Equal(new Dictionary<string, int?>
        {
            ["revoke-grant"] = 1, ["suspend-programme"] = 1, ["record-who-could-read"] = 1,
            ["verify-containment"] = 2, ["snapshot-access-log"] = 2,
            ["scope-exposure"] = 3, ["find-root-cause"] = 3,
            ["notify-privacy"] = 4, ["tighten-access-controls"] = 4, ["minimise-training-data"] = 4, ["review-dataset-access"] = 4,
            ["safeguard-follow-up"] = 4,
            ["safeguards-done"] = 5, ["post-incident-review"] = 5,
            ["approve-resume"] = 6,
            ["resume-programme"] = 7,
        }, plan.Waves());
        Assert.Equal(["revoke-grant", "suspend-programme"], plan.Steps.Take(2).Select(s => s.Id));
    }

    [Fact]
    public void the_plan_shows_exactly_what_each_action_would_touch()
    {
        var revoke = DryRun.Of("sensitive-data-exposure", Exposure).Step("revoke-grant");

        Assert.Equal("run", revoke.Disposition);
        Assert.Equal("postgres.revoke", revoke.Action);
        Assert.Equal("Revoke all_engineers on hr.employee_activity", revoke.Title);
        Assert.Equal(new Dictionary<string, object?> { ["connection"] = "warehouse", ["table"] = "hr.employee_activity", ["grantee"] = "all_engineers" },
            revoke.With);
    }

    [Fact]
    public void without_a_programme_its_steps_are_skipped_with_their_reasons_and_the_review_still_happens()
    {
        var plan = DryRun.Of("sensitive-data-exposure", new { dataset = "hr.employee_activity", grantee = "all_engineers" });

        Assert.Equal(("skip", "when 'inputs.programme != null' is false"), (plan.Step("suspend-programme").Disposition, plan.Step("suspend-programme").Reason));
        Assert.Equal("skip", plan.Step("minimise-training-data").Disposition);
        Assert.Equal("needs 'minimise-training-data', which was skipped because its when is false", plan.Step("approve-resume").Reason);
        Assert.Equal("when 'steps.approve-resume.outcome == 'approved'' is false", plan.Step("resume-programme").Reason);
        Assert.Equal("wait", plan.Step("post-incident-review").Disposition);
        Assert.Equal(Outcomes.Succeeded, plan.Outcome);
    }

    [Fact]
    public void a_rejected_approval_skips_the_resumption()
    {
        var plan = DryRun.Of("sensitive-data-exposure", Exposure, new() { ["approve-resume"] = "rejected" });

        Assert.Equal(Outcomes.Rejected, plan.Step("approve-resume").Outcome);
        Assert.Equal("when 'steps.approve-resume.outcome == 'approved'' is false", plan.Step("resume-programme").Reason);
    }

    [Fact]
    public void a_failed_revocation_escalates_and_holds_back_only_what_depends_on_it()
    {
        var plan = DryRun.Of("sensitive-data-exposure", Exposure, new() { ["revoke-grant"] = "failed" });

        Assert.Equal("waiting", plan.Outcome);
        Assert.Equal("escalate", plan.Step("revoke-grant").Disposition);
        Assert.Contains("escalated to the incident commander", plan.Step("revoke-grant").Reason);
        Assert.Equal("run", plan.Step("suspend-programme").Disposition);
        Assert.Equal("not-reached", plan.Step("verify-containment").Disposition);
        Assert.Equal("needs 'revoke-grant', which is escalated", plan.Step("verify-containment").Reason);
        Assert.Equal("not-reached", plan.Step("post-incident-review").Disposition);
    }

    [Fact]
    public void a_failed_evidence_snapshot_continues_and_skips_what_needed_it()
    {
        var plan = DryRun.Of("sensitive-data-exposure", Exposure, new() { ["snapshot-access-log"] = "failed" });

        Assert.Equal(Outcomes.Succeeded, plan.Outcome);
        Assert.Equal(Outcomes.Failed, plan.Step("snapshot-access-log").Outcome);
        Assert.Equal("needs 'snapshot-access-log', which failed", plan.Step("scope-exposure").Reason);
        Assert.Equal(Outcomes.Succeeded, plan.Step("find-root-cause").Outcome);
    }

    [Fact]
    public void the_insider_playbook_compensates_when_the_revocation_fails()
    {
        var plan = DryRun.Of("insider-bulk-download", new { dataset = "hr.payroll", reader = "emp_4711", rows = 50_000 },
            new() { ["revoke-reader"] = "failed" });

        Assert.Equal(Outcomes.Compensated, plan.Outcome);
        Assert.Empty(plan.Compensations); // evidence preservation has nothing to undo
        Assert.Equal("not-reached", plan.Step("restore-access").Disposition);
    }

    [Fact]
    public void the_insider_playbook_skips_revocation_for_a_small_read()
    {
        var plan = DryRun.Of("insider-bulk-download", new { dataset = "hr.payroll", reader = "emp_4711", rows = 200 });

        Assert.Equal("when 'inputs.rows == null || inputs.rows >= 10000' is false", plan.Step("revoke-reader").Reason);
        Assert.Equal("needs 'revoke-reader', which was skipped because its when is false", plan.Step("restore-access").Reason);
        Assert.Equal("run", plan.Step("record-manager-answer").Disposition);
    }

    [Fact]
    public void compromised_credentials_raise_severity_only_when_not_already_critical()
    {
        Assert.Equal("run", DryRun.Of("compromised-service-credentials", new { role = "svc_reporting" }, severity: "high").Step("raise-severity").Disposition);
        Assert.Equal("skip", DryRun.Of("compromised-service-credentials", new { role = "svc_reporting" }, severity: "critical").Step("raise-severity").Disposition);

        var plan = DryRun.Of("compromised-service-credentials", new { role = "svc_reporting" });
        Assert.Equal("waits up to 1d for a credentials.leaked signal; signalled (assumed)", plan.Step("watch-for-reuse").Reason);
        Assert.Equal(Outcomes.Succeeded, plan.Outcome);
    }

    [Fact]
    public void the_privacy_notification_sends_nothing_when_no_notification_is_due()
    {
        var plan = DryRun.Of("privacy-notification", new { dataset = "hr.employee_activity" });

        Assert.Equal("skip", plan.Step("approve-notice").Disposition); // mustNotify is unknown in a dry run
        Assert.Equal("skip", plan.Step("send-notice").Disposition);
    }

    [Fact]
    public void bad_inputs_and_decisions_are_named_before_anything_is_planned()
    {
        var playbook = Load.Shipped().Find("sensitive-data-exposure")!;
        var problems = Planner.Check(playbook, DryRun.Request(new { grantee = 7, colour = "red" },
            new() { ["revoke-grant"] = "approved", ["no-such-step"] = "succeeded" }));

        Assert.Equal(new Dictionary<string, string>
        {
            ["inputs.colour"] = "playbook 'sensitive-data-exposure' has no input 'colour'",
            ["inputs.dataset"] = "'dataset' is required",
            ["inputs.grantee"] = "'grantee' must be a string",
            ["decisions.revoke-grant"] = "a action step ends succeeded or failed, not 'approved'",
            ["decisions.no-such-step"] = "playbook 'sensitive-data-exposure' has no step 'no-such-step'",
        }, problems);
    }
}
