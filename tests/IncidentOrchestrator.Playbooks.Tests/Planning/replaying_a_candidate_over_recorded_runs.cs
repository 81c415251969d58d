using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

/// <summary>
/// A new version of the shipped containment playbook, tried on what really happened before it runs on a real incident.
/// The recorded runs are built as the service records them: each step's status, outcome, attempts and outputs.
/// </summary>
public sealed class replaying_a_candidate_over_recorded_runs
{
    private static readonly string Shipped = File.ReadAllText(Path.Combine(Repository.Playbooks, "sensitive-data-exposure.yaml"));

    private static Playbook Version(string text)
    {
        var sources = Directory.GetFiles(Repository.Playbooks, "*.yaml")
            .Select(f => Path.GetFileName(f) == "sensitive-data-exposure.yaml" ? new PlaybookSource("sensitive-data-exposure.yaml", text)
                : new PlaybookSource(Path.GetFileName(f), File.ReadAllText(f)));
        var library = PlaybookLibrary.Load(sources, BuiltInActions.Catalog);
        Assert.True(library.IsValid, string.Join("\n", library.Errors));
        return library.Playbooks["sensitive-data-exposure"];
    }

    private static RecordedStep Done(string outcome = "succeeded", int attempts = 1, Dictionary<string, object?>? outputs = null) =>
        new("succeeded", outcome, attempts, outputs ?? []);

    private static RecordedStep Task(Dictionary<string, object?> outputs) => new("succeeded", "succeeded", 0, outputs);

    /// <summary>The whole response, with a programme: contained, investigated, remediated, approved, resumed, reviewed.</summary>
    private static RecordedRun WithProgramme(string severity = "high") => new(Guid.NewGuid(), Guid.NewGuid(), "recorded", "succeeded",
        new Dictionary<string, object?> { ["dataset"] = "hr.employee_activity", ["grantee"] = "all_engineers", ["programme"] = "activity-insights" },
        null, new Dictionary<string, object?> { ["severity"] = severity, ["restricted"] = true, ["status"] = "open" },
        new Dictionary<string, RecordedStep>
        {
            ["revoke-grant"] = Done(), ["suspend-programme"] = Done(), ["verify-containment"] = Done(), ["snapshot-access-log"] = Done(attempts: 2),
            ["record-who-could-read"] = Done(), ["review-dataset-access"] = Done(),
            ["scope-exposure"] = Task(new() { ["readers"] = "ann,bob", ["firstExposedAt"] = "2026-11-28", ["affectedEmployees"] = 200 }),
            ["find-root-cause"] = Task(new() { ["change"] = "CR-1", ["changedBy"] = "dba", ["changedAt"] = "2026-11-27" }),
            ["notify-privacy"] = Done(), ["tighten-access-controls"] = Task(new() { ["changeRequest"] = "CR-2" }),
            ["minimise-training-data"] = Task(new() { ["decision"] = "aggregate" }),
            ["safeguard-follow-up"] = Done(), ["safeguards-done"] = Done(),
            ["approve-resume"] = Done("approved", 0), ["resume-programme"] = Done(), ["post-incident-review"] = Task(new() { ["reviewNotes"] = "done" }),
        });

    [Fact]
    public void the_recorded_version_replayed_over_its_own_runs_changes_nothing()
    {
        var playbook = Version(Shipped);
        var result = Replayer.Replay(playbook, playbook, WithProgramme());

        Assert.Empty(result.Differences);
        Assert.Equal("succeeded", result.CandidateStatus);
        Assert.All(result.Steps, s => Assert.False(s.Assumed, $"{s.Id} was assumed"));
        Assert.All(result.Steps, s => Assert.Equal(s.Recorded, s.Candidate));
    }

    [Fact]
    public void a_guard_is_replayed_on_the_incident_it_read_then_not_on_the_incident_as_it_is_now()
    {
        var playbook = Load.Valid("""
            apiVersion: incidents/v1
            kind: Playbook
            name: raising
            title: Raising
            steps:
              - id: raise
                when: "incident.severity != 'critical'"
                action: incident.set-severity
                with: { severity: critical }
              - id: page
                needs: [raise]
                action: incident.notify
                with: { message: raised }
            """);
        RecordedRun Run(IncidentFactsRead? read) => new(Guid.NewGuid(), Guid.NewGuid(), playbook.Hash, "succeeded", new Dictionary<string, object?>(), null,
            IncidentFacts.Of("i-1", "Leak", "critical", false, "open", "triage"), // the run itself made it critical
            new Dictionary<string, RecordedStep>
            {
                ["raise"] = new("succeeded", "succeeded", 1, new Dictionary<string, object?>(), IncidentRead: read),
                ["page"] = new("succeeded", "succeeded", 1, new Dictionary<string, object?>()),
            });

        var replay = Replayer.Replay(playbook, playbook, Run(new IncidentFactsRead(new Dictionary<string, object?> { ["severity"] = "high" })));
        Assert.Empty(replay.Differences);
        Assert.Equal(["succeeded", "succeeded"], replay.Steps.Select(s => s.Candidate));

        // A run recorded before the facts were kept is read against the incident as it is: the guard is false now.
        var older = Replayer.Replay(playbook, playbook, Run(null));
        Assert.Contains(older.Differences, d => d is { Kind: "not-taken", Step: "raise" });
    }

    [Fact]
    public void a_commanders_answer_is_replayed_when_it_came_after_the_steps_that_ended_before_it()
    {
        var playbook = Load.Valid("""
            apiVersion: incidents/v1
            kind: Playbook
            name: answered
            title: Answered
            steps:
              - id: ask
                task: { assignee: role:responder, title: How many?, outputs: [count] }
              - id: act
                needs: [ask]
                when: "steps.ask.outputs.count > 3"
                action: incident.add-note
                with: { note: many }
                onFailure: escalate
              - id: approve
                approval: { approvers: [role:commander] }
            """);
        var at = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        // 'act' could not read its guard and waited for the commander; meanwhile 'approve' was approved; then the commander aborted.
        var aborted = new RecordedRun(Guid.NewGuid(), Guid.NewGuid(), playbook.Hash, "cancelled", new Dictionary<string, object?>(), null,
            IncidentFacts.Preview("high", false), new Dictionary<string, RecordedStep>
            {
                ["ask"] = new("succeeded", "succeeded", 0, new Dictionary<string, object?> { ["count"] = "many" }, EndedAt: at),
                ["approve"] = new("succeeded", "approved", 0, new Dictionary<string, object?>(), EndedAt: at.AddMinutes(5)),
                ["act"] = new("cancelled", null, 0, new Dictionary<string, object?>(), Resolution: "abort", EndedAt: at.AddMinutes(9)),
            });

        var replay = Replayer.Replay(playbook, playbook, aborted);

        Assert.Empty(replay.Differences);
        Assert.Equal("cancelled", replay.CandidateStatus);
        Assert.Equal("approved", replay.Steps.Single(s => s.Id == "approve").Candidate);
        Assert.EndsWith("the commander aborted the run", replay.Steps.Single(s => s.Id == "act").Reason);

        // Had the commander aborted before the approval came, the candidate would not have waited for it.
        var early = aborted with { Steps = new Dictionary<string, RecordedStep>(aborted.Steps) { ["act"] = aborted.Steps["act"] with { EndedAt = at.AddMinutes(1) } } };
        Assert.Contains(Replayer.Replay(playbook, playbook, early).Differences, d => d is { Kind: "not-taken", Step: "approve" });
    }

    private const string Cancellable = """
        apiVersion: incidents/v1
        kind: Playbook
        name: cancelled
        title: Cancelled
        steps:
          - id: note
            action: incident.add-note
            with: { note: first }
            compensate: { action: incident.add-note, with: { note: undo first } }
          - id: second
            needs: [note]
            action: incident.add-note
            with: { note: second }
            compensate: { action: incident.add-note, with: { note: undo second } }
          - id: ask
            needs: [second]
            task: { assignee: role:responder, title: Anything else? }
          - id: after
            needs: [ask]
            action: incident.add-note
            with: { note: after }
        """;

    private static readonly DateTimeOffset At = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The two notes ran; people cancelled the run while the task was open.</summary>
    private static RecordedRun CancelledWhileAsking(Playbook playbook) => new(Guid.NewGuid(), Guid.NewGuid(), playbook.Hash, "cancelled",
        new Dictionary<string, object?>(), null, IncidentFacts.Preview("high", false), new Dictionary<string, RecordedStep>
        {
            ["note"] = new("succeeded", "succeeded", 1, new Dictionary<string, object?>(), EndedAt: At),
            ["second"] = new("succeeded", "succeeded", 1, new Dictionary<string, object?>(), EndedAt: At.AddSeconds(1)),
            ["ask"] = new("cancelled", null, 0, new Dictionary<string, object?>(), EndedAt: At.AddMinutes(3)),
            ["after"] = new("cancelled", null, 0, new Dictionary<string, object?>(), EndedAt: At.AddMinutes(3)),
        });

    [Fact]
    public void a_run_people_cancelled_is_cancelled_in_the_replay_where_it_was()
    {
        var playbook = Load.Valid(Cancellable);
        var cancelled = CancelledWhileAsking(playbook);

        var replay = Replayer.Replay(playbook, playbook, cancelled);

        Assert.Empty(replay.Differences);
        Assert.Equal("cancelled", replay.CandidateStatus);
        Assert.Equal(["succeeded", "succeeded", "cancelled", "not-reached"], replay.Steps.Select(s => s.Candidate)); // the task was open, nothing after it began

        // Had the first note failed, the run would have ended failed before anyone cancelled it: the run's end is a difference.
        var failed = Replayer.Replay(playbook, playbook, cancelled, new Dictionary<string, string> { ["note"] = "failed" });
        Assert.Equal("failed", failed.CandidateStatus);
        Assert.Contains(failed.Differences, d => d is { Kind: "changed-outcome", Step: "" } && d.Detail == "the run ended cancelled; the candidate's would end failed");
    }

    [Fact]
    public void a_run_read_under_way_is_replayed_as_far_as_its_record_goes()
    {
        var playbook = Load.Valid(Cancellable);
        var cancelled = CancelledWhileAsking(playbook);
        var underWay = cancelled with
        {
            Status = "waiting",
            Steps = new Dictionary<string, RecordedStep>(cancelled.Steps)
            {
                ["ask"] = new("waiting", null, 0, new Dictionary<string, object?>()),
                ["after"] = new("pending", null, 0, new Dictionary<string, object?>()),
            },
        };

        var replay = Replayer.Replay(playbook, playbook, underWay);
        Assert.Empty(replay.Differences);
        Assert.Equal("waiting", replay.CandidateStatus);
        var ask = replay.Steps.Single(s => s.Id == "ask");
        Assert.Equal(("waiting", false), (ask.Candidate, ask.Assumed)); // its end is not known: nothing is assumed of it
        Assert.Equal("needs 'ask', which is still under way", replay.Steps.Single(s => s.Id == "after").Reason);

        // A version that asks first has not reached the second note yet: that is no difference while the run is under way.
        var asksFirst = Load.Valid(Cancellable.Replace("""
              - id: second
                needs: [note]
            """, """
              - id: second
                needs: [ask]
            """).Replace("""
              - id: ask
                needs: [second]
            """, """
              - id: ask
                needs: [note]
            """).Replace("""
              - id: after
                needs: [ask]
            """, """
              - id: after
                needs: [second]
            """));
        Assert.DoesNotContain(Replayer.Replay(asksFirst, playbook, underWay).Differences, d => d.Kind != "changed-policy");

        // A decision answers for the step under way.
        var decided = Replayer.Replay(playbook, playbook, underWay, new Dictionary<string, string> { ["ask"] = "succeeded" });
        Assert.Equal(["succeeded", "succeeded", "succeeded", "succeeded"], decided.Steps.Select(s => s.Candidate));
    }

    [Fact]
    public void a_step_the_candidate_adds_before_the_cancellation_ends_as_assumed_and_what_the_record_ran_after_it_still_runs()
    {
        var playbook = Load.Valid(Cancellable);
        var candidate = Load.Valid(Cancellable.Replace("""
              - id: second
                needs: [note]
            """, """
              - id: check
                needs: [note]
                action: incident.add-note
                with: { note: check }
              - id: second
                needs: [check]
            """));

        var replay = Replayer.Replay(candidate, playbook, CancelledWhileAsking(playbook));

        Assert.Equal(["new check"], replay.Differences.Select(d => $"{d.Kind} {d.Step}")); // 'second' is not named: it still runs
        Assert.Equal("cancelled", replay.CandidateStatus);
    }

    [Fact]
    public void a_compensation_people_cancelled_runs_the_undos_it_ran_and_no_more()
    {
        var playbook = Load.Valid(Cancellable.Replace("""
              - id: ask
                needs: [second]
            """, """
              - id: verify
                needs: [second]
                action: incident.add-note
                with: { note: verify }
                onFailure: compensate
              - id: ask
                needs: [verify]
            """));
        // 'verify' failed; 'second' was undone; people cancelled the run before 'note' was.
        var record = new RecordedRun(Guid.NewGuid(), Guid.NewGuid(), playbook.Hash, "cancelled", new Dictionary<string, object?>(), null,
            IncidentFacts.Preview("high", false), new Dictionary<string, RecordedStep>
            {
                ["note"] = new("succeeded", "succeeded", 1, new Dictionary<string, object?>(), EndedAt: At),
                ["second"] = new("compensated", "compensated", 1, new Dictionary<string, object?>(), EndedAt: At.AddSeconds(1)),
                ["verify"] = new("failed", "failed", 1, new Dictionary<string, object?>(), EndedAt: At.AddSeconds(2)),
                ["ask"] = new("cancelled", null, 0, new Dictionary<string, object?>(), EndedAt: At.AddSeconds(2)),
                ["after"] = new("cancelled", null, 0, new Dictionary<string, object?>(), EndedAt: At.AddSeconds(2)),
            }, UndoLeft: ["note"]);

        var replay = Replayer.Replay(playbook, playbook, record);

        Assert.Empty(replay.Differences);
        Assert.Equal("cancelled", replay.CandidateStatus);
        Assert.Equal(["second"], Planner.Make(playbook, new Planner.Request(record.Inputs, record.Incident, null,
            new Dictionary<string, string> { ["verify"] = "failed" }, CancelledOpen: new HashSet<string> { "ask", "after" },
            UndoLeft: new HashSet<string> { "note" })).Compensations.Select(c => c.Step));

        // Not cancelled, and the undo of 'second' failed for good: the run ended failed, and so does its replay.
        var failedUndo = record with
        {
            Status = "failed", UndoLeft = null,
            Steps = new Dictionary<string, RecordedStep>(record.Steps)
            {
                ["second"] = record.Steps["second"] with { Status = "succeeded", Outcome = "succeeded", UndoFailed = true },
                ["note"] = record.Steps["note"] with { Status = "compensated", Outcome = "compensated" },
            },
        };
        var replayed = Replayer.Replay(playbook, playbook, failedUndo);
        Assert.Empty(replayed.Differences);
        Assert.Equal("failed", replayed.CandidateStatus);

        // A candidate that would compensate a run cancelled for another reason undoes what it ran: the record's cut is no undo's.
        var compensating = Load.Valid(Cancellable.Replace("    with: { note: second }\n", "    with: { note: second }\n    onFailure: compensate\n"));
        var whatIf = Replayer.Replay(compensating, Load.Valid(Cancellable), CancelledWhileAsking(Load.Valid(Cancellable)),
            new Dictionary<string, string> { ["second"] = "failed" });
        Assert.Equal("compensated", whatIf.CandidateStatus);
        Assert.Contains(whatIf.Differences, d => d is { Kind: "changed-outcome", Step: "" });
    }

    [Fact]
    public void a_commanders_abort_is_an_answer_a_candidate_that_does_not_ask_never_gets()
    {
        var playbook = Load.Valid(Cancellable.Replace("    with: { note: second }\n", "    with: { note: second }\n    onFailure: escalate\n"));
        // 'second' failed and escalated; the commander aborted the run.
        var record = new RecordedRun(Guid.NewGuid(), Guid.NewGuid(), playbook.Hash, "cancelled", new Dictionary<string, object?>(), null,
            IncidentFacts.Preview("high", false), new Dictionary<string, RecordedStep>
            {
                ["note"] = new("succeeded", "succeeded", 1, new Dictionary<string, object?>(), EndedAt: At),
                ["second"] = new("cancelled", null, 1, new Dictionary<string, object?>(), Resolution: "abort", EndedAt: At.AddMinutes(5)),
                ["ask"] = new("cancelled", null, 0, new Dictionary<string, object?>(), EndedAt: At.AddMinutes(5)),
                ["after"] = new("cancelled", null, 0, new Dictionary<string, object?>(), EndedAt: At.AddMinutes(5)),
            });
        Assert.Empty(Replayer.Replay(playbook, playbook, record).Differences);

        // A version that goes on past the failure asks nobody: the run goes on to its end (the task skipped after the failure), and nobody cancels it.
        var candidate = Load.Valid(Cancellable.Replace("    with: { note: second }\n", "    with: { note: second }\n    onFailure: continue\n"));
        var replay = Replayer.Replay(candidate, playbook, record, new Dictionary<string, string> { ["second"] = "failed" });
        Assert.Equal("succeeded", replay.CandidateStatus);
        Assert.Equal(["succeeded", "failed", "skipped", "succeeded"], replay.Steps.Select(s => s.Candidate));
    }

    [Fact]
    public void a_stricter_suspension_on_a_low_incident_would_not_have_suspended_the_programme()
    {
        var candidate = Version(Shipped.Replace("    when: inputs.programme != null\n    action: programme.suspend",
            "    when: inputs.programme != null && incident.severity != 'low'\n    action: programme.suspend"));
        var recorded = Version(Shipped);

        var low = Replayer.Replay(candidate, recorded, WithProgramme(severity: "low"));
        var notTaken = Assert.Single(low.Differences, d => d.Kind == "not-taken");
        Assert.Equal("suspend-programme", notTaken.Step);
        Assert.Contains("when 'inputs.programme != null && incident.severity != 'low'' is false", notTaken.Detail);
        Assert.Equal("skipped", low.Steps.Single(s => s.Id == "suspend-programme").Candidate);

        Assert.Empty(Replayer.Replay(candidate, recorded, WithProgramme(severity: "high")).Differences); // a high one: as before
    }

    [Fact]
    public void a_new_step_is_new_and_its_outcome_assumed_a_changed_retry_is_named_and_a_renamed_step_is_one_not_taken_and_one_new()
    {
        var candidate = Version(Shipped
            .Replace("  - id: find-root-cause", """
                  - id: page-dpo
                    needs: [scope-exposure]
                    phase: investigation
                    action: incident.notify
                    with: { message: "Data protection officer: {{ inputs.dataset }} was exposed to {{ steps.scope-exposure.outputs.readers }}" }

                  - id: find-root-cause
                """.Replace("\r", ""))
            .Replace("  retry: { attempts: 3, backoff: 2s, maxBackoff: 1m }", "  retry: { attempts: 5, backoff: 2s, maxBackoff: 1m }")
            .Replace("snapshot-access-log", "preserve-access-log"));
        var result = Replayer.Replay(candidate, Version(Shipped), WithProgramme());

        var page = result.Steps.Single(s => s.Id == "page-dpo");
        Assert.True(page.Assumed);
        Assert.Null(page.Recorded);
        Assert.Equal("succeeded", page.Candidate);
        Assert.Contains(result.Differences, d => d is { Kind: "new", Step: "page-dpo" });
        Assert.Contains(result.Differences, d => d is { Kind: "not-taken", Step: "snapshot-access-log" } && d.Detail.Contains("has no step"));
        Assert.Contains(result.Differences, d => d is { Kind: "new", Step: "preserve-access-log" });
        var retry = result.Differences.Where(d => d.Kind == "changed-policy").ToList();
        Assert.NotEmpty(retry);
        Assert.All(retry, d => Assert.Matches(@"retry 3× \(backoff 2s\), timeout 2m, onFailure \w+ → retry 5×", d.Detail));
        Assert.Contains(retry, d => d.Step == "revoke-grant");
        Assert.DoesNotContain(result.Differences, d => d.Kind is "changed-outcome" or "changed-parameters");
        Assert.Equal(["new page-dpo", "new preserve-access-log", "not-taken snapshot-access-log"], result.Differences
            .Where(d => d.Kind is "new" or "not-taken").Select(d => $"{d.Kind} {d.Step}").Order()); // exactly these
    }

    [Fact]
    public void the_new_step_renders_its_parameters_from_what_the_responder_recorded()
    {
        var candidate = Version(Shipped.Replace("      readers: \"{{ steps.scope-exposure.outputs.readers }}\"",
            "      readers: \"{{ steps.scope-exposure.outputs.readers }} ({{ steps.scope-exposure.outputs.affectedEmployees }} employees)\""));
        var result = Replayer.Replay(candidate, Version(Shipped), WithProgramme());

        var changed = Assert.Single(result.Differences);
        Assert.Equal("changed-parameters", changed.Kind);
        Assert.Equal("notify-privacy", changed.Step);
        Assert.Equal("readers: \"ann,bob\" → \"ann,bob (200 employees)\"", changed.Detail);
    }

    [Fact]
    public void a_retry_allowing_fewer_attempts_than_a_step_needed_changes_its_outcome_and_the_run()
    {
        var candidate = Version(Shipped.Replace("  retry: { attempts: 3, backoff: 2s, maxBackoff: 1m }", "  retry: { attempts: 1, backoff: 2s, maxBackoff: 1m }"));
        var result = Replayer.Replay(candidate, Version(Shipped), WithProgramme());

        var snapshot = result.Steps.Single(s => s.Id == "snapshot-access-log"); // it took 2 attempts; onFailure: continue
        Assert.Equal("failed", snapshot.Candidate);
        Assert.Contains("it took 2 attempts; the candidate allows 1", snapshot.Reason);
        Assert.Contains(result.Differences, d => d is { Kind: "changed-outcome", Step: "snapshot-access-log" });
    }

    [Fact]
    public void decisions_answer_for_steps_the_record_cannot()
    {
        var candidate = Version(Shipped.Replace("  - id: find-root-cause", """
              - id: page-dpo
                needs: [scope-exposure]
                action: incident.notify
                with: { message: "exposed" }
                onFailure: fail

              - id: find-root-cause
            """.Replace("\r", "")));
        var result = Replayer.Replay(candidate, Version(Shipped), WithProgramme(), new Dictionary<string, string> { ["page-dpo"] = "failed" });

        Assert.False(result.Steps.Single(s => s.Id == "page-dpo").Assumed); // decided, not assumed
        Assert.Equal("failed", result.CandidateStatus);
        Assert.Contains(result.Differences, d => d is { Kind: "changed-outcome", Step: "" } && d.Detail.Contains("the candidate's would end failed"));
    }

    [Fact]
    public void a_step_that_waits_for_the_commander_in_the_record_is_taken_as_failed_only_while_its_kind_can_fail()
    {
        var recorded = WithProgramme() with { Status = "waiting" };
        var steps = recorded.Steps.ToDictionary(s => s.Key, s => s.Value);
        steps["verify-containment"] = new RecordedStep("waiting", null, 1, new Dictionary<string, object?>(), Escalated: true);
        recorded = recorded with { Steps = steps };

        var same = Replayer.Replay(Version(Shipped), Version(Shipped), recorded);
        Assert.Equal("failed", same.Steps.Single(s => s.Id == "verify-containment").Candidate);

        // The candidate makes it a task: a task cannot fail, so the record cannot answer for it and the task is assumed done.
        var asTask = Version(Shipped.Replace(
            "    action: postgres.verify-no-access\n    with: { connection: \"{{ inputs.warehouse }}\", table: \"{{ inputs.dataset }}\", grantee: \"{{ inputs.grantee }}\" }\n",
            "    task: { assignee: role:commander, title: Check by hand that the grantee cannot read it }\n"));
        Assert.IsType<HumanTask>(asTask.Step("verify-containment")!.Kind);
        var replay = Replayer.Replay(asTask, Version(Shipped), recorded);
        Assert.Equal("succeeded", replay.Steps.Single(s => s.Id == "verify-containment").Candidate);
    }
}
