using IncidentOrchestrator.FollowUps;

namespace IncidentOrchestrator.Tests.FollowUps;

/// <summary>When a follow-up's owner is reminded and when it escalates: worked out from its due date, no clock of its own.</summary>
public sealed class a_follow_ups_timers
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly FollowUpOptions Options = new() { RemindBefore = TimeSpan.FromDays(2), LeadershipAfter = TimeSpan.FromDays(7) };

    [Fact]
    public void its_owner_is_reminded_before_the_due_date_and_the_commander_hears_at_it()
    {
        var due = Now.AddDays(14);
        var timers = FollowUpTimers.For(Guid.Empty, Guid.Empty, due, Now, Options);

        Assert.Equal([(typeof(FollowUpReminderDue), due.AddDays(-2)), (typeof(FollowUpOverdue), due)], timers.Select(t => (t.Message.GetType(), t.At)));
        Assert.Equal(1, ((FollowUpOverdue)timers[1].Message).Level);
    }

    [Fact]
    public void due_sooner_than_the_reminder_it_is_not_reminded_and_already_overdue_it_escalates_now()
    {
        Assert.Single(FollowUpTimers.For(Guid.Empty, Guid.Empty, Now.AddDays(1), Now, Options));
        Assert.Equal(Now, Assert.Single(FollowUpTimers.For(Guid.Empty, Guid.Empty, Now.AddDays(-1), Now, Options)).At);
    }

    [Fact]
    public void after_the_commander_leadership_hears_a_week_later_and_then_nobody_more()
    {
        Assert.Equal((1, Now.AddDays(3)), FollowUpTimers.NextEscalation(Now.AddDays(3), 0, Now, Options));
        Assert.Equal((2, Now.AddDays(7)), FollowUpTimers.NextEscalation(Now.AddDays(-1), 1, Now, Options));
        Assert.Null(FollowUpTimers.NextEscalation(Now.AddDays(-1), 2, Now, Options));
    }
}
