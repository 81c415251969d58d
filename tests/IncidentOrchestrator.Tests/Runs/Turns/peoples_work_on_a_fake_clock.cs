using IncidentOrchestrator.Tasks;

namespace IncidentOrchestrator.Tests.Runs.Turns;

/// <summary>
/// The timers of people's work, in memory on a fake clock: a task not acknowledged or not done in time escalates, level by
/// level through its escalation policy, and stops at an acknowledgement; an approval past its <c>within</c> is overdue.
/// Each timer acts at its time and not a millisecond before. Milliseconds, no database.
/// </summary>
public sealed class peoples_work_on_a_fake_clock
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private static EscalationPolicies Platform(int repeat = 0) => new()
    {
        ["platform"] = new EscalationPolicy
        {
            Levels = [new EscalationLevel { To = "user:ann", After = TimeSpan.FromMinutes(10) }, new EscalationLevel { To = "user:bob", After = TimeSpan.FromMinutes(20) }],
            Repeat = repeat,
        },
    };

    [Fact]
    public async Task an_unacknowledged_task_climbs_its_policy_one_level_at_a_time_each_at_its_own_time()
    {
        var work = new InMemoryWork(Platform());
        await work.OpenTaskAsync("oncall:platform", ackWithin: TimeSpan.FromMinutes(5), dueWithin: null, escalateTo: "policy:platform");

        await work.WaitAsync(TimeSpan.FromMinutes(5) - Tick);
        Assert.Single(work.Tasks);
        await work.WaitAsync(Tick);
        Assert.Equal(["open role:responder", "escalated to user:ann"], Course(work)); // an empty rotation falls back to the responders
        Assert.Equal(work.Clock.GetUtcNow() + TimeSpan.FromMinutes(10), work.Tasks[^1].AckBy);

        await work.WaitAsync(TimeSpan.FromMinutes(10) - Tick);
        Assert.Equal(2, work.Tasks.Count);
        await work.WaitAsync(Tick);
        Assert.Equal(["open role:responder", "escalated to user:ann", "escalated to user:bob"], Course(work));
        Assert.Null(work.Tasks[^1].AckBy); // the last level keeps it: there is nobody after bob
        Assert.DoesNotContain(work.Timers, t => t is TaskAckDue);

        await work.WaitAsync(TimeSpan.FromDays(1));
        Assert.Equal(3, work.Tasks.Count);
        Assert.Equal(2, work.Events.OfType<TaskEscalated>().Count());
    }

    [Fact]
    public async Task a_policy_that_repeats_goes_round_again_and_its_last_level_keeps_the_task()
    {
        var work = new InMemoryWork(Platform(repeat: 1));
        await work.OpenTaskAsync("role:responder", ackWithin: TimeSpan.FromMinutes(5), dueWithin: null, escalateTo: "policy:platform");

        await work.WaitAsync(TimeSpan.FromMinutes(5 + 10 + 20 + 10));
        Assert.Equal(["open role:responder", "escalated to user:ann", "escalated to user:bob", "escalated to user:ann", "escalated to user:bob"], Course(work));
        Assert.Null(work.Tasks[^1].AckBy);
    }

    [Fact]
    public async Task acknowledging_any_copy_of_the_work_stops_its_escalation()
    {
        var work = new InMemoryWork(Platform());
        await work.OpenTaskAsync("role:responder", ackWithin: TimeSpan.FromMinutes(5), dueWithin: null, escalateTo: "policy:platform");
        await work.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(2, work.Tasks.Count);
        Assert.Contains(new TaskAckDue(work.Tasks[1].Id), work.Timers); // ann's timer is set

        // The first assignee acknowledges their (escalated) copy late: the work is in hand, ann's timer finds nothing to do.
        work.Tasks[0].AcknowledgedAt = work.Clock.GetUtcNow();
        await work.WaitAsync(TimeSpan.FromHours(1));
        Assert.Empty(work.Timers); // it came and went
        Assert.Equal(2, work.Tasks.Count);
        Assert.Single(work.Events.OfType<TaskEscalated>());
    }

    [Fact]
    public async Task a_task_not_done_by_its_due_time_goes_to_the_commander_and_a_done_one_does_not()
    {
        var work = new InMemoryWork();
        await work.OpenTaskAsync("role:responder", ackWithin: null, dueWithin: TimeSpan.FromHours(4));
        work.Tasks[0].Status = TaskStatuses.Acknowledged;
        work.Tasks[0].AcknowledgedAt = work.Clock.GetUtcNow();

        await work.WaitAsync(TimeSpan.FromHours(4) - Tick);
        Assert.Empty(work.Events.OfType<TaskEscalated>());
        await work.WaitAsync(Tick);
        Assert.Equal(["open role:responder", "escalated to role:commander"], Course(work));
        Assert.StartsWith("not completed by 2026-12-03T13:00:00", work.Events.OfType<TaskEscalated>().Single().Reason);

        var done = new InMemoryWork();
        await done.OpenTaskAsync("role:responder", ackWithin: TimeSpan.FromMinutes(5), dueWithin: TimeSpan.FromHours(4));
        done.Tasks[0].Status = TaskStatuses.Completed;
        Assert.Equal([new TaskAckDue(done.Tasks[0].Id), new TaskDue(done.Tasks[0].Id)], done.Timers);
        await done.WaitAsync(TimeSpan.FromDays(1));
        Assert.Empty(done.Timers); // both came, and found it done
        Assert.Empty(done.Events.OfType<TaskEscalated>());
    }

    [Fact]
    public async Task an_approval_past_its_within_is_overdue_at_that_moment_and_a_decided_one_is_not()
    {
        var work = new InMemoryWork();
        await work.OpenApprovalAsync(TimeSpan.FromMinutes(30));

        await work.WaitAsync(TimeSpan.FromMinutes(30) - Tick);
        Assert.Empty(work.Events.OfType<Approvals.ApprovalOverdue>());
        await work.WaitAsync(Tick);
        var overdue = Assert.Single(work.Events.OfType<Approvals.ApprovalOverdue>());
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 9, 30, 0, TimeSpan.Zero), overdue.At);
        Assert.Null(work.Approval.Outcome); // it stays open: the run still waits for a decision
        Assert.Contains(work.Sent.OfType<Notifications.Notify>(), n => n.Title.StartsWith("Approval overdue: Resume the programme (0 of 1"));

        var decided = new InMemoryWork();
        await decided.OpenApprovalAsync(TimeSpan.FromMinutes(30));
        decided.Approval.Outcome = "approved";
        Assert.Equal([new Approvals.ApprovalDue(decided.Approval.Id)], decided.Timers);
        await decided.WaitAsync(TimeSpan.FromDays(1));
        Assert.Empty(decided.Timers);
        Assert.Empty(decided.Events.OfType<Approvals.ApprovalOverdue>());
    }

    /// <summary>Each task as it was opened, then where each escalation went.</summary>
    private static List<string> Course(InMemoryWork work) =>
        [$"open {work.Tasks[0].Assignee}", .. work.Events.OfType<TaskEscalated>().Select(e => $"escalated to {e.EscalatedTo}")];
}
