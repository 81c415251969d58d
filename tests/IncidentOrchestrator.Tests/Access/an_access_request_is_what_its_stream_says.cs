using IncidentOrchestrator.Access;
using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Runs;
using Microsoft.Extensions.Configuration;

namespace IncidentOrchestrator.Tests.Access;

/// <summary>The request folded from its events, without a database: whose decisions count, and what its run's end leaves it.</summary>
public sealed class an_access_request_is_what_its_stream_says
{
    private static readonly Guid Id = Guid.NewGuid(), Run = Guid.NewGuid();
    private static readonly DateTimeOffset At = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private static AccessRequest Requested(params object[] then)
    {
        var request = AccessRequest.Begin(new AccessRequested(Id, "hr.employee_activity", "warehouse", "hr.employee_activity", "analyst", "analytics",
            "8h", "study", null, "nina", "d1", "c1", ["user:hana", "role:privacy"], 2, Run, At))!;
        foreach (var e in then) request.When(e);
        return request;
    }

    private static ApprovalRequested Asked(Guid approval, string[] approvers, int quorum, Guid? run = null) =>
        new(Id, approval, run ?? Run, "approve", "Let analyst read", [.. approvers], quorum, null, At);

    private static ApprovalDecided Decided(Guid approval, string by, string decision = "approved") => new(Id, approval, "approve", decision, null, by, At);

    [Fact]
    public void only_what_begins_a_request_makes_one() =>
        Assert.Null(AccessRequest.Begin(new PlaybookRunEnded(Id, Run, "test", "succeeded", null, At)));

    [Fact]
    public void decisions_count_on_approvals_that_ask_its_own_approvers_for_at_least_its_quorum()
    {
        Guid own = Guid.NewGuid(), others = Guid.NewGuid(), fewer = Guid.NewGuid(), elsewhere = Guid.NewGuid();
        var request = Requested(
            Asked(others, ["user:mallory"], 2), Decided(others, "mallory"), Decided(others, "eve"),
            Asked(fewer, ["user:hana", "role:privacy"], 1), Decided(fewer, "hana"),
            Asked(elsewhere, ["role:privacy", "user:hana"], 2, Guid.NewGuid()), Decided(elsewhere, "pia"));
        Assert.Equal("the request has 0 of the 2 approvals it needs from user:hana, role:privacy", request.WhyNotApproved());

        request.When(Asked(own, ["role:privacy", "user:hana"], 2));
        request.When(Decided(own, "hana"));
        request.When(Decided(own, "nina")); // the requester never counts
        Assert.Contains("1 of the 2", request.WhyNotApproved());
        request.When(Decided(own, "pia"));
        Assert.Null(request.WhyNotApproved());
    }

    [Fact]
    public void one_rejection_on_its_own_approval_refuses_it_and_its_run_end_says_refused()
    {
        var own = Guid.NewGuid();
        var request = Requested(Asked(own, ["user:hana", "role:privacy"], 2), Decided(own, "hana"), Decided(own, "pia", "rejected"));
        Assert.Equal("pia rejected the request", request.WhyNotApproved());
        request.When(new PlaybookRunEnded(Id, Run, "access-request", "succeeded", null, At));
        Assert.Equal(AccessStatuses.Refused, request.Status);
    }

    [Fact]
    public void a_grant_whose_run_ends_without_taking_it_back_is_unrevoked_and_no_longer_stands()
    {
        var request = Requested(new AccessGranted(Id, "hr.employee_activity", "analyst", "warehouse", "hr.employee_activity", ["SELECT"], At.AddHours(8), At));
        var stands = LiveGrants.StandAt(At.AddHours(1)).Compile();
        Assert.True(stands(request));

        request.When(new PlaybookRunEnded(Id, Run, "access-request", "failed", "step 'end' failed: the warehouse refused", At.AddHours(8)));
        Assert.Equal(AccessStatuses.Unrevoked, request.Status);
        Assert.Contains("without taking the access back: step 'end' failed", request.EndReason);
        Assert.False(stands(request));
    }

    [Fact]
    public void a_grant_stands_until_45_minutes_past_its_end_while_its_revoke_is_under_way()
    {
        var request = Requested(new AccessGranted(Id, "hr.employee_activity", "analyst", "warehouse", "hr.employee_activity", ["SELECT"], At.AddHours(8), At));
        Assert.True(LiveGrants.StandAt(At.AddHours(8).AddMinutes(44)).Compile()(request));
        Assert.False(LiveGrants.StandAt(At.AddHours(8).AddMinutes(45)).Compile()(request));
        request.When(new AccessRevoked(Id, "hr.employee_activity", "analyst", "hr.employee_activity", false, At.AddHours(8)));
        Assert.False(LiveGrants.StandAt(At.AddHours(1)).Compile()(request));
    }

    [Fact]
    public void what_would_escalate_to_commanders_goes_to_its_approvers_for_it_has_none()
    {
        var subject = IncidentOrchestrator.Runs.RunSubject.Of(Requested());
        Assert.Equal(["user:nina", "user:hana", "role:privacy", "role:admin"], subject.Audience(["user:nina", "role:commander"]));
        Assert.Equal("role:admin", IncidentOrchestrator.Runs.RunSubject.EscalatesTo(subject.Kind));
        Assert.Equal($"/access/{Id}", subject.ConsoleLink);
        Assert.True(subject.Restricted);
    }

    [Fact]
    public void a_pending_time_that_is_not_a_duration_is_refused_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Access:PendingFor"] = "tomorrow" }).Build();
        Assert.Contains("Access__PendingFor is 'tomorrow'", Assert.Throws<InvalidOperationException>(() => { AccessOptions.From(configuration); }).Message);
        Assert.Equal(TimeSpan.FromHours(24), AccessOptions.From(new ConfigurationBuilder().Build()).PendingFor);
    }

    [Fact]
    public void a_grant_that_lands_after_a_withdrawal_stands_unrevoked_and_an_approved_request_is_allowed_while_its_grant_is_under_way()
    {
        Guid own = Guid.NewGuid();
        var request = Requested(Asked(own, ["user:hana", "role:privacy"], 2), Decided(own, "hana"), Decided(own, "pia"));
        Assert.True(request.Approved);
        Assert.True(LiveGrants.StandAt(At).Compile()(request)); // approved, pending: the database may show the grant first

        request.When(new AccessWithdrawn(Id, "nina", "wrong dataset", At));
        Assert.False(LiveGrants.StandAt(At).Compile()(request));
        request.When(new AccessGranted(Id, "hr.employee_activity", "analyst", "warehouse", "hr.employee_activity", ["SELECT"], At.AddHours(8), At));
        Assert.Equal(AccessStatuses.Unrevoked, request.Status);
        Assert.Contains("granted after it was withdrawn", request.EndReason);

        // Taken back at last; a second revoke (its run's end, late) changes nothing of who ended it.
        request.When(new AccessRevoked(Id, "hr.employee_activity", "analyst", "hr.employee_activity", false, At.AddMinutes(1), "pia", "nothing would"));
        request.When(new AccessRevoked(Id, "hr.employee_activity", "analyst", "hr.employee_activity", false, At.AddHours(8)));
        Assert.Equal((AccessStatuses.Ended, "pia", "nothing would"), (request.Status, request.EndedBy, request.EndReason));
    }

    [Fact]
    public void of_two_grants_of_the_same_access_ending_at_once_only_one_hands_over_to_the_other()
    {
        AccessRequest Granted(Guid id, DateTimeOffset endsAt)
        {
            var request = AccessRequest.Begin(new AccessRequested(id, "hr.employee_activity", "warehouse", "hr.employee_activity", "analyst", "analytics",
                "8h", "study", null, "nina", "d1", "c1", ["role:privacy"], 1, Guid.NewGuid(), At))!;
            request.When(new AccessGranted(id, "hr.employee_activity", "analyst", "warehouse", "hr.employee_activity", ["SELECT"], endsAt, At));
            return request;
        }
        var end = At.AddHours(8);
        var (a, b) = (Granted(Guid.NewGuid(), end), Granted(Guid.NewGuid(), end));
        var handOvers = new[] { new[] { b }.SuccessorOf(a, At.AddHours(1)), new[] { a }.SuccessorOf(b, At.AddHours(1)) };
        Assert.Single(handOvers, s => s is not null);

        // A later end takes the earlier one's access on, never the other way round; one not granted yet takes nothing on.
        var later = Granted(Guid.NewGuid(), end.AddHours(1));
        Assert.Same(later, new[] { later }.SuccessorOf(a, At.AddHours(1)));
        Assert.Null(new[] { a }.SuccessorOf(later, At.AddHours(1)));
        var pending = AccessRequest.Begin(new AccessRequested(Guid.NewGuid(), "hr.employee_activity", "warehouse", "hr.employee_activity", "analyst",
            "analytics", "8h", "study", null, "nina", "d1", "c1", ["role:privacy"], 1, Guid.NewGuid(), At))!;
        Assert.Null(new[] { pending }.SuccessorOf(a, At.AddHours(1)));
    }
}
