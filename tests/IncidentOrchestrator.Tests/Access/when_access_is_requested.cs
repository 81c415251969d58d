using System.Text.Json;
using Alba;
using IncidentOrchestrator.Access;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Contracts;
using IncidentOrchestrator.Detection;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Tracking;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Access;

/// <summary>
/// Access to a catalogued dataset (the repository's hr.employee_activity: approvers user:hana.hr-data and role:privacy,
/// quorum 2, at most 14d, approved for analytics and train-ai:activity-insights), asked for, decided, granted on the real
/// warehouse and taken back at its end, each read back from the database.
/// </summary>
public sealed class when_access_is_requested(RunsFixture fixture) : RunContext(fixture)
{
    private const string Dataset = "hr.employee_activity";
    private static readonly string Requester = Tokens.For("nina.analyst", Roles.Responder);
    private static readonly string Owner = Tokens.For("hana.hr-data", Roles.Responder);
    private static readonly string Privacy = Tokens.For("pia.privacy", Roles.Privacy);

    private async Task<string> RoleAsync()
    {
        var role = $"analyst_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create role {role} nologin");
        return role;
    }

    private async Task<JsonElement> RequestAsync(string requestId, string token) => (await Host.Get($"/api/access-requests/{requestId}", token)).ReadJson();

    private async Task<JsonElement> AskedAsync(string requestId) =>
        (await RunScenarios.Eventually(async () => (await Host.Get($"/api/approvals?incident={requestId}", Owner)).ReadJson(), a => a.GetArrayLength() == 1))[0];

    /// <summary>
    /// What the drift scanner finds on the catalogue's datasets now, reported to nobody (the fixture's own scanner reads the older
    /// access-policy file, which lists other tables; reporting would open incidents that contain the other tests' roles).
    /// </summary>
    private async Task<List<AclDrift>> DriftsAsync()
    {
        var scanned = ActivatorUtilities.CreateInstance<ScannedAccess>(Host.Services, new DetectionOptions());
        var scanner = ActivatorUtilities.CreateInstance<AclDriftScanner>(Host.Services, scanned);
        return await scanner.FindAsync(scanned.Policy()!, CancellationToken.None);
    }

    /// <summary>The grant action itself, called for the run of <paramref name="subject"/> as any playbook step would: what it refused.</summary>
    private async Task<ActionFailedException> GrantRefusedAsync(Guid subject)
    {
        var grant = ActivatorUtilities.CreateInstance<GrantRequestedAccess>(Host.Services);
        await using var session = Host.DocumentStore().LightweightSession();
        var context = new ActionContext(subject, Guid.NewGuid(), "grant", 1, $"{subject}:grant", new Dictionary<string, object?>(), session,
            DateTimeOffset.UtcNow, ["approve"]);
        return await Assert.ThrowsAsync<ActionFailedException>(() => grant.ExecuteAsync(context, CancellationToken.None));
    }

    private async Task<string> ApprovalOfAsync(string requestId) => (await AskedAsync(requestId)).GetProperty("approvalId").GetString()!;

    [Fact]
    public async Task approved_by_a_quorum_of_its_approvers_it_is_granted_and_taken_back_at_its_end_both_read_from_the_database()
    {
        var role = await RoleAsync();
        var accepted = (await Host.Post("/api/access-requests",
            new { dataset = Dataset, grantee = role, purpose = "analytics", duration = "6s", reason = "attrition study", ticket = "PRIV-12" }, Requester,
            expect: 202)).ReadJson();
        var requestId = accepted.GetProperty("requestId").GetString()!;
        Assert.Equal("pending", (await RequestAsync(requestId, Requester)).GetProperty("status").GetString());

        var asked = await AskedAsync(requestId);
        var approval = asked.GetProperty("approvalId").GetString()!;
        Assert.Equal(["user:hana.hr-data", "role:privacy"], asked.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(2, asked.GetProperty("quorum").GetInt32());

        // The requester never counts, even when a role they hold is asked.
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Tokens.For("nina.analyst", Roles.Privacy), expect: 403);
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve", comment = "for the study" }, Owner, expect: 204);
        // One of two: the approval stays open, nothing is granted.
        Assert.Equal(JsonValueKind.Null, (await AskedAsync(requestId)).GetProperty("outcome").ValueKind);
        // Privacy approves in Slack, with the button of the message that told them (UMXPIA is pia.privacy there).
        await Host.Scenario(x =>
        {
            var body = SlackPress.Body("UMXPIA", IncidentOrchestrator.Notifications.Channels.SlackMessage.ApproveAction, approval);
            var (timestamp, signature) = SlackPress.Signed(RunsFixture.SlackSecret, body, DateTimeOffset.UtcNow);
            x.Post.Text(body).ToUrl(SlackPress.Path).ContentType("application/x-www-form-urlencoded");
            x.WithRequestHeader("X-Slack-Request-Timestamp", timestamp);
            x.WithRequestHeader("X-Slack-Signature", signature);
            x.StatusCodeShouldBe(200);
        });

        var granted = await RunScenarios.Eventually(() => RequestAsync(requestId, Requester), r => r.GetProperty("status").GetString() != "pending");
        Assert.Equal("granted", granted.GetProperty("status").GetString());
        Assert.True(await Fixture.Warehouse.CanReadAsync(role, Dataset));
        Assert.Equal(["hana.hr-data", "pia.privacy"], granted.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("by").GetString()));
        var endsAt = granted.GetProperty("endsAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromSeconds(6), endsAt - granted.GetProperty("grantedAt").GetDateTimeOffset());

        // An approved grant is no drift while it stands: the scanner reports nothing of it, the dataset's page says whose request it is.
        Assert.DoesNotContain(await DriftsAsync(), d => d.Grantee == role);
        var shown = (await Host.Get($"/api/datasets/{Dataset}/grants", Privacy)).ReadJson().GetProperty("grants").EnumerateArray()
            .Single(g => g.GetProperty("grantee").GetString() == role);
        Assert.True(shown.GetProperty("allowed").GetBoolean());
        Assert.Equal(requestId, shown.GetProperty("request").GetString());

        var ended = await RunScenarios.Eventually(() => RequestAsync(requestId, Requester), r => r.GetProperty("status").GetString() == "ended",
            TimeSpan.FromSeconds(60));
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, Dataset));
        Assert.True(ended.GetProperty("endedAt").GetDateTimeOffset() >= endsAt);

        // Its time is over: the same grant made again by hand is drift.
        await Fixture.Warehouse.ExecuteAsync($"grant select on {Dataset} to {role}");
        Assert.Contains(await DriftsAsync(), d => d.Grantee == role && d.Dataset == Dataset);

        // Its history is its own stream, hash-chained: asked, decided, granted, ended, and it verifies.
        var history = (await Host.Get($"/api/access-requests/{requestId}/history", Privacy)).ReadJson();
        var types = history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal("AccessRequested", types[0]);
        Assert.True(types.IndexOf("AccessGranted") < types.IndexOf("AccessRevoked"), string.Join(", ", types));
        Assert.Contains("ApprovalDecided", types);
        Assert.True(history.GetProperty("chain").GetProperty("valid").GetBoolean());
        Assert.Equal(types.Count, history.GetProperty("chain").GetProperty("events").GetInt32());
        await Host.Get($"/api/access-requests/{requestId}/history", Api.Leadership, expect: 404);

        // The request is its own stream, not an incident: it is in no incident list.
        await Host.Get($"/api/incidents/{requestId}", Api.Admin, expect: 404);
        // And only those it concerns see it.
        await Host.Get($"/api/access-requests/{requestId}", Api.Leadership, expect: 404);
        Assert.Equal(requestId, (await RequestAsync(requestId, Privacy)).GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task a_rejection_grants_nothing_and_says_so()
    {
        var role = await RoleAsync();
        var requestId = (await Host.Post("/api/access-requests",
            new { dataset = Dataset, grantee = role, purpose = "analytics", duration = "1h", reason = "curious" }, Requester, expect: 202))
            .ReadJson().GetProperty("requestId").GetString()!;
        await Host.Post($"/api/approvals/{await ApprovalOfAsync(requestId)}/decision", new { decision = "reject", comment = "no need" }, Privacy, expect: 204);

        var refused = await RunScenarios.Eventually(() => RequestAsync(requestId, Requester), r => r.GetProperty("status").GetString() != "pending");
        Assert.Equal("refused", refused.GetProperty("status").GetString());
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, Dataset));
    }

    [Theory]
    [InlineData("purpose", "marketing", "1h", "is not approved for 'marketing'")]
    [InlineData("duration", "analytics", "15d", "at most 14d")]
    [InlineData("duration", "analytics", "soon", "is not a duration")]
    public async Task what_the_catalogue_does_not_allow_is_refused_naming_the_field_and_nothing_starts(string field, string purpose, string duration,
        string says)
    {
        var role = await RoleAsync();
        var problem = (await Host.Post("/api/access-requests", new { dataset = Dataset, grantee = role, purpose, duration, reason = "study" }, Requester,
            expect: 400)).ReadJson();
        Assert.Contains(says, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.DoesNotContain((await Host.Get("/api/access-requests", Requester)).ReadJson().EnumerateArray(),
            r => r.GetProperty("grantee").GetString() == role);
    }

    [Fact]
    public async Task an_unknown_dataset_a_standing_role_and_a_role_the_database_does_not_know_are_refused_naming_the_field()
    {
        async Task<JsonElement> Refused(object body) => (await Host.Post("/api/access-requests", body, Requester, expect: 400)).ReadJson().GetProperty("errors");

        Assert.Contains("No dataset named 'hr.nothing'",
            (await Refused(new { dataset = "hr.nothing", grantee = "x", purpose = "analytics", duration = "1h", reason = "r" })).GetProperty("dataset")[0].GetString());
        Assert.Contains("without asking",
            (await Refused(new { dataset = Dataset, grantee = "hr_analysts", purpose = "analytics", duration = "1h", reason = "r" })).GetProperty("grantee")[0].GetString());
        Assert.Contains("No role 'nobody_here'",
            (await Refused(new { dataset = Dataset, grantee = "nobody_here", purpose = "analytics", duration = "1h", reason = "r" })).GetProperty("grantee")[0].GetString());
        Assert.True((await Refused(new { dataset = Dataset, grantee = "x", purpose = "analytics", duration = "1h" })).TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task nothing_grants_a_request_its_approvers_have_not_approved_and_it_runs_on_no_incident()
    {
        var role = await RoleAsync();
        var requestId = (await Host.Post("/api/access-requests",
            new { dataset = Dataset, grantee = role, purpose = "analytics", duration = "1h", reason = "study" }, Requester, expect: 202))
            .ReadJson().GetProperty("requestId").GetGuid();

        // The grant action itself, as a playbook that skipped the approval would send it: refused, nothing granted.
        Assert.Contains("has 0 of the 2 approvals it needs", (await GrantRefusedAsync(requestId)).Message);
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, Dataset));
        Assert.Equal("pending", (await RequestAsync(requestId.ToString(), Requester)).GetProperty("status").GetString());

        // Its playbook runs on requests only.
        var incident = await Incident();
        var refused = (await Host.Post($"/api/incidents/{incident}/runs", new { playbook = "access-request", inputs = new { } }, Api.Commander, expect: 400)).ReadJson();
        Assert.Contains("its runs are started by the access-request", refused.GetProperty("errors").GetProperty("playbook")[0].GetString());
    }

    [Fact]
    public async Task an_incident_is_no_access_request_whatever_its_stream_carries()
    {
        // An incident whose run asks an approval and ends: approvals and run ends are what a request's stream carries too.
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-approval-due", new { key = Key });
        var approval = await RunScenarios.Eventually(async () => (await Host.Get($"/api/approvals?incident={incident}", Api.Admin)).ReadJson(),
            a => a.GetArrayLength() == 1);
        await Host.Post($"/api/approvals/{approval[0].GetProperty("approvalId").GetString()}/decision", new { decision = "reject" },
            Tokens.For("amy.approver", Roles.Privacy), expect: 204);
        await Host.RunEnded(incident, runId);

        await using var session = Host.DocumentStore().QuerySession();
        Assert.Null(await session.LoadAsync<AccessRequest>(incident));
        await Host.Get($"/api/access-requests/{incident}", Api.Admin, expect: 404);

        // Nor does access.grant act in an incident's run.
        Assert.Contains("carries out no access request", (await GrantRefusedAsync(incident)).Message);
    }

    private async Task<string> GrantedAsync(string role, string duration = "1h")
    {
        var requestId = (await Host.Post("/api/access-requests",
            new { dataset = Dataset, grantee = role, purpose = "analytics", duration, reason = "study" }, Requester, expect: 202))
            .ReadJson().GetProperty("requestId").GetString()!;
        var approval = await ApprovalOfAsync(requestId);
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Owner, expect: 204);
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Privacy, expect: 204);
        await RunScenarios.Eventually(() => RequestAsync(requestId, Requester), r => r.GetProperty("status").GetString() == "granted");
        return requestId;
    }

    [Fact]
    public async Task access_taken_back_early_is_revoked_read_back_and_its_run_cancelled()
    {
        var role = await RoleAsync();
        var requestId = await GrantedAsync(role);
        Assert.True(await Fixture.Warehouse.CanReadAsync(role, Dataset));

        await Host.Post($"/api/access-requests/{requestId}/revoke", new { reason = "study finished" }, Api.Leadership, expect: 404);
        await Host.Post($"/api/access-requests/{requestId}/revoke", new { }, Requester, expect: 400);
        await Host.Post($"/api/access-requests/{requestId}/revoke", new { reason = "study finished early" }, Requester, expect: 202);

        var ended = await RunScenarios.Eventually(() => RequestAsync(requestId, Requester),
            r => r.GetProperty("status").GetString() == "ended" && r.GetProperty("run").GetProperty("status").GetString() == "cancelled");
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, Dataset));
        Assert.Equal("nina.analyst", ended.GetProperty("endedBy").GetString());
        Assert.Equal("study finished early", ended.GetProperty("endReason").GetString());
        Assert.True(ended.GetProperty("endedAt").GetDateTimeOffset() < ended.GetProperty("endsAt").GetDateTimeOffset());
        await Host.Post($"/api/access-requests/{requestId}/revoke", new { reason = "again" }, Privacy, expect: 409);
    }

    [Fact]
    public async Task a_pending_request_withdrawn_or_expired_grants_nothing_and_closes_its_approval()
    {
        var role = await RoleAsync();
        async Task<string> Pending() => (await Host.Post("/api/access-requests",
            new { dataset = Dataset, grantee = role, purpose = "analytics", duration = "1h", reason = "study" }, Requester, expect: 202))
            .ReadJson().GetProperty("requestId").GetString()!;

        var withdrawn = await Pending();
        var approval = await ApprovalOfAsync(withdrawn);
        await Host.Post($"/api/access-requests/{withdrawn}/revoke", new { reason = "asked the wrong dataset" }, Requester, expect: 202);
        Assert.Equal("withdrawn", (await RequestAsync(withdrawn, Requester)).GetProperty("status").GetString());
        await RunScenarios.Eventually(async () => (await Host.Get($"/api/approvals?incident={withdrawn}", Owner)).ReadJson()[0],
            a => a.GetProperty("outcome").GetString() == "cancelled");
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Owner, expect: 409);

        // Nobody decides: at Access__PendingFor the request expires. Its expiry is scheduled, durably, a day from its asking…
        var expired = await Pending();
        await ApprovalOfAsync(expired);
        await using (var db = Host.DocumentStore().Storage.Database.CreateConnection())
        {
            await db.OpenAsync();
            var asked = (await RequestAsync(expired, Requester)).GetProperty("requestedAt").GetDateTimeOffset();
            await using var scheduled = new Npgsql.NpgsqlCommand("""
                select count(*) from incidents.wolverine_incoming_envelopes
                where status = 'Scheduled' and message_type like '%ExpireAccessRequest%' and execution_time between $1 and $2
                """, db) { Parameters = { new() { Value = asked.AddHours(24).AddSeconds(-2) }, new() { Value = asked.AddHours(24).AddSeconds(2) } } };
            Assert.True((long)(await scheduled.ExecuteScalarAsync())! >= 1, "no expiry is scheduled a day after the request was asked");
        }
        // …and delivered now, as it would be then.
        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(new ExpireAccessRequest(Guid.Parse(expired)));
        var ended = await RunScenarios.Eventually(() => RequestAsync(expired, Requester),
            r => r.GetProperty("run").GetProperty("status").GetString() == "cancelled");
        Assert.Equal("expired", ended.GetProperty("status").GetString());
        Assert.Equal("not decided within 1d", ended.GetProperty("endReason").GetString());
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, Dataset));
    }

    [Fact]
    public async Task suspending_the_programme_a_purpose_serves_revokes_its_grants_and_refuses_new_ones_while_it_is_suspended()
    {
        const string study = "hr.access_study";
        var role = await RoleAsync();
        var other = $"{role}_b";
        await Fixture.Warehouse.ExecuteAsync($"create role {other} nologin");
        async Task<string> Granted(string grantee, string purpose)
        {
            var id = (await Host.Post("/api/access-requests", new { dataset = study, grantee, purpose, duration = "1h", reason = "study" }, Requester,
                expect: 202)).ReadJson().GetProperty("requestId").GetString()!;
            var approval = await ApprovalOfAsync(id);
            await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Owner, expect: 204);
            await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Privacy, expect: 204);
            await RunScenarios.Eventually(() => RequestAsync(id, Requester), r => r.GetProperty("status").GetString() == "granted");
            return id;
        }
        var forTraining = await Granted(role, "train-ai:access-study");
        var forAnalytics = await Granted(other, "analytics");
        var undecided = (await Host.Post("/api/access-requests", new { dataset = study, grantee = other, purpose = "train-ai:access-study", duration = "1h",
            reason = "later" }, Requester, expect: 202)).ReadJson().GetProperty("requestId").GetString()!;
        await ApprovalOfAsync(undecided);

        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-suspend", new { programme = "access-study" }));
        Assert.Equal("succeeded", run.Status);
        Assert.Equal([forTraining], run.Step("suspend").Outputs.GetProperty("requestsRevoked").EnumerateArray().Select(r => r.GetString()));
        // One still waiting for its approvers is withdrawn: approved later, it would grant during the suspension.
        Assert.Equal([undecided], run.Step("suspend").Outputs.GetProperty("requestsWithdrawn").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("withdrawn", (await RequestAsync(undecided, Requester)).GetProperty("status").GetString());

        var ended = await RunScenarios.Eventually(() => RequestAsync(forTraining, Requester),
            r => r.GetProperty("run").GetProperty("status").GetString() == "cancelled");
        Assert.Equal("ended", ended.GetProperty("status").GetString());
        Assert.Equal("programme access-study was suspended", ended.GetProperty("endReason").GetString());
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, study));
        Assert.Contains(await Host.Timeline(incident, Api.Admin), t => t.Type == "AccessRevoked");
        // A purpose that serves no programme keeps its grant.
        Assert.Equal("granted", (await RequestAsync(forAnalytics, Requester)).GetProperty("status").GetString());
        Assert.True(await Fixture.Warehouse.CanReadAsync(other, study));

        // While it is suspended, access for it is not even asked.
        var refused = (await Host.Post("/api/access-requests", new { dataset = study, grantee = role, purpose = "train-ai:access-study", duration = "1h",
            reason = "again" }, Requester, expect: 400)).ReadJson();
        Assert.Contains("access-study is suspended", refused.GetProperty("errors").GetProperty("purpose")[0].GetString());
    }

    [Fact]
    public async Task an_extension_approved_again_holds_the_access_on_without_a_revoke_in_between()
    {
        var role = await RoleAsync();
        var first = await GrantedAsync(role, "20s");
        await Host.Post($"/api/access-requests/{first}/extend", new { duration = "1h", reason = "more" }, Api.Leadership, expect: 404);
        await Host.Post($"/api/access-requests/{first}/extend", new { duration = "15d", reason = "more" }, Requester, expect: 400);
        var second = (await Host.Post($"/api/access-requests/{first}/extend", new { duration = "1h", reason = "the study runs on" }, Requester, expect: 202))
            .ReadJson().GetProperty("requestId").GetString()!;
        var approval = await ApprovalOfAsync(second);
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Owner, expect: 204);
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Privacy, expect: 204);
        var extension = await RunScenarios.Eventually(() => RequestAsync(second, Requester), r => r.GetProperty("status").GetString() == "granted");
        Assert.Equal(first, extension.GetProperty("extends").GetString());

        // The first one's time ends: handed over, not revoked; the grantee reads on, and no revoke is on its history.
        var ended = await RunScenarios.Eventually(() => RequestAsync(first, Requester), r => r.GetProperty("status").GetString() == "ended",
            TimeSpan.FromSeconds(60));
        Assert.Equal(second, ended.GetProperty("handedOverTo").GetString());
        Assert.True(await Fixture.Warehouse.CanReadAsync(role, Dataset));
        Assert.Equal("granted", (await RequestAsync(second, Requester)).GetProperty("status").GetString());
        await using (var session = Host.DocumentStore().QuerySession())
            Assert.DoesNotContain(await session.Events.FetchStreamAsync(Guid.Parse(first)), e => e.Data is AccessRevoked);

        // Taking the extension back ends the access.
        await Host.Post($"/api/access-requests/{second}/revoke", new { reason = "done" }, Requester, expect: 202);
        await RunScenarios.Eventually(() => RequestAsync(second, Requester), r => r.GetProperty("status").GetString() == "ended");
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, Dataset));
    }

    [Fact]
    public async Task more_than_a_request_granted_is_drift_and_an_unrevoked_grant_can_be_taken_back()
    {
        var role = await RoleAsync();
        var requestId = await GrantedAsync(role);
        Assert.DoesNotContain(await DriftsAsync(), d => d.Grantee == role);

        // A request grants SELECT: INSERT besides is nobody's approval.
        await Fixture.Warehouse.ExecuteAsync($"grant insert on {Dataset} to {role}");
        Assert.Contains(await DriftsAsync(), d => d.Grantee == role && d.Privileges.Contains("INSERT"));

        // A grant whose run ended without taking it back (here: cancelled as an administrator would) stands unrevoked: drift, and revocable.
        var runId = (await RequestAsync(requestId, Requester)).GetProperty("runId").GetGuid();
        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30))
            .InvokeMessageAndWaitAsync(new IncidentOrchestrator.Runs.CancelRun(runId, "stopped by hand", "ada.admin"));
        var unrevoked = await RunScenarios.Eventually(() => RequestAsync(requestId, Requester), r => r.GetProperty("status").GetString() != "granted");
        Assert.Equal("unrevoked", unrevoked.GetProperty("status").GetString());
        await Fixture.Warehouse.ExecuteAsync($"revoke insert on {Dataset} from {role}");
        Assert.Contains(await DriftsAsync(), d => d.Grantee == role);

        await Host.Post($"/api/access-requests/{requestId}/revoke", new { reason = "nothing would" }, Privacy, expect: 202);
        var ended = await RunScenarios.Eventually(() => RequestAsync(requestId, Requester), r => r.GetProperty("status").GetString() == "ended");
        Assert.Equal("pia.privacy", ended.GetProperty("endedBy").GetString());
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, Dataset));
    }

    [Fact]
    public async Task who_could_read_the_dataset_is_right_before_during_and_after_a_grant_and_a_drift()
    {
        var role = await RoleAsync();
        var ghost = $"ghost_{Key}";
        async Task<List<JsonElement>> At(DateTimeOffset at) =>
            (await Host.Get($"/api/datasets/{Dataset}/access?at={Uri.EscapeDataString(at.ToString("O"))}", Privacy)).ReadJson()
            .GetProperty("entries").EnumerateArray().ToList();

        var before = DateTimeOffset.UtcNow;
        var requestId = await GrantedAsync(role);
        // A grant nobody approved, as the scanner reports it (a signal of its fingerprint), then contained.
        var drift = (await Host.SendSignal(Scenarios.Signal($"warehouse:{Dataset}:{ghost}"))).IncidentId;
        var during = DateTimeOffset.UtcNow;
        await Host.Post($"/api/access-requests/{requestId}/revoke", new { reason = "study done" }, Requester, expect: 202);
        await RunScenarios.Eventually(() => RequestAsync(requestId, Requester), r => r.GetProperty("status").GetString() == "ended");
        await Host.Post($"/api/incidents/{drift}/status", new { status = "resolved", reason = "revoked by hand" },
            Tokens.For(RunsFixture.OnCallCommander, Roles.Commander), expect: 204);
        var after = DateTimeOffset.UtcNow;

        var then = await At(before);
        Assert.DoesNotContain(then, e => e.GetProperty("grantee").GetString() is var g && (g == role || g == ghost));
        Assert.Contains(then, e => e.GetProperty("kind").GetString() == "standing" && e.GetProperty("grantee").GetString() == "hr_analysts");

        var meanwhile = await At(during);
        var requested = meanwhile.Single(e => e.GetProperty("grantee").GetString() == role);
        Assert.Equal(("requested", requestId), (requested.GetProperty("kind").GetString(), requested.GetProperty("source").GetString()));
        Assert.Equal(["hana.hr-data", "pia.privacy"], requested.GetProperty("approvedBy").EnumerateArray().Select(a => a.GetString()).Order());
        var detected = meanwhile.Single(e => e.GetProperty("grantee").GetString() == ghost);
        Assert.Equal("drift", detected.GetProperty("kind").GetString());
        Assert.Contains(meanwhile, e => e.GetProperty("kind").GetString() == "standing" && e.GetProperty("grantee").GetString() == "hr_analysts");

        var now = await At(after);
        Assert.DoesNotContain(now, e => e.GetProperty("grantee").GetString() is var g && (g == role || g == ghost));

        // For those who answer for the dataset: not for a responder who is none of them; a time that is none is a 400 naming it.
        await Host.Get($"/api/datasets/{Dataset}/access", Requester, expect: 403);
        Assert.True((await Host.Get($"/api/datasets/{Dataset}/access?at=yesterday", Privacy, expect: 400)).ReadJson().GetProperty("errors").TryGetProperty("at", out _));
    }

    [Fact]
    public async Task break_glass_grants_at_once_where_the_catalogue_allows_it_and_its_review_can_take_it_back()
    {
        var role = await RoleAsync();
        // hr.employee_activity allows break-glass for at most 4h; hr.access_study does not allow it.
        Assert.Contains("at most 4h", (await Host.Post("/api/access-requests", new { dataset = Dataset, grantee = role, purpose = "analytics",
            duration = "5h", reason = "outage", breakGlass = true }, Requester, expect: 400)).ReadJson().GetProperty("errors").GetProperty("duration")[0].GetString());
        Assert.Contains("does not allow break-glass", (await Host.Post("/api/access-requests", new { dataset = "hr.access_study", grantee = role,
            purpose = "analytics", duration = "1h", reason = "outage", breakGlass = true }, Requester, expect: 400)).ReadJson().GetProperty("errors")
            .GetProperty("breakGlass")[0].GetString());

        var requestId = (await Host.Post("/api/access-requests", new { dataset = Dataset, grantee = role, purpose = "analytics", duration = "2h",
            reason = "payroll outage: the on-call engineer must read the activity table", breakGlass = true }, Requester, expect: 202))
            .ReadJson().GetProperty("requestId").GetString()!;
        var granted = await RunScenarios.Eventually(() => RequestAsync(requestId, Requester), r => r.GetProperty("status").GetString() != "pending");
        Assert.Equal(("granted", true), (granted.GetProperty("status").GetString(), granted.GetProperty("breakGlass").GetBoolean()));
        Assert.Empty(granted.GetProperty("decisions").EnumerateArray()); // nobody approved it first
        Assert.True(await Fixture.Warehouse.CanReadAsync(role, Dataset));
        Assert.DoesNotContain(await DriftsAsync(), d => d.Grantee == role);

        // Its approvers are asked at once to review it (owner and privacy, as the catalogue says), and told on the team's channel, which says
        // only that an access request needs them (never the dataset, the role or the reason), with the link to it.
        var told = (await RunScenarios.Eventually(() => Task.FromResult(Fixture.Receiver.For(requestId, "/channels/team")), r => r.Count >= 1))[0].Body;
        Assert.Contains("An access request needs you", told);
        Assert.DoesNotContain("payroll outage", told);
        Assert.DoesNotContain(role, told);
        // One rejection takes it back.
        var review = await AskedAsync(requestId);
        Assert.Equal(["user:hana.hr-data", "role:privacy"], review.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("Review break-glass access", review.GetProperty("title").GetString());
        await Host.Post($"/api/approvals/{review.GetProperty("approvalId").GetString()}/decision", new { decision = "reject", comment = "not an emergency" },
            Privacy, expect: 204);
        var ended = await RunScenarios.Eventually(() => RequestAsync(requestId, Requester), r => r.GetProperty("status").GetString() == "ended");
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, Dataset));
        Assert.Equal(("pia.privacy", "its break-glass review rejected it: not an emergency"),
            (ended.GetProperty("endedBy").GetString(), ended.GetProperty("endReason").GetString()));
        Assert.Empty(ended.GetProperty("decisions").EnumerateArray()); // a review is no approval
    }

    [Fact]
    public async Task a_tightened_dataset_file_tried_first_lists_what_it_would_refuse_and_changes_nothing()
    {
        var role = await RoleAsync();
        var live = await GrantedAsync(role);
        var past = await GrantedAsync(await PastRoleAsync(role));
        await Host.Post($"/api/access-requests/{past}/revoke", new { reason = "done" }, Requester, expect: 202);
        await RunScenarios.Eventually(() => RequestAsync(past, Requester), r => r.GetProperty("status").GetString() == "ended");

        var text = await File.ReadAllTextAsync(Path.Combine(Fixture.Catalogue, $"{Dataset}.yaml"));
        var tightened = text.Replace("  - analytics\n", "").Replace("maxGrant: 14d", "maxGrant: 30m").Replace("for: 4h", "for: 30m")
            .Replace("standing: [hr_analysts, training_pipeline]", "standing: [hr_analysts]").Replace("quorum: 2", "quorum: 3")
            .Replace("from: [user:hana.hr-data, role:privacy]", "from: [user:hana.hr-data, role:privacy, role:admin]");
        Assert.NotEqual(text, tightened);
        var replayed = (await Host.Post("/api/catalogue/replay", new { text = tightened }, Privacy)).ReadJson();

        var mine = replayed.GetProperty("live").EnumerateArray().Single(r => r.GetProperty("requestId").GetString() == live);
        var why = mine.GetProperty("refused").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.Contains(why, w => w.Contains("is not approved for 'analytics'"));
        Assert.Contains(why, w => w.Contains("at most 30m"));
        Assert.Contains(why, w => w.Contains("would ask 3 of user:hana.hr-data, role:privacy, role:admin"));
        Assert.Contains(replayed.GetProperty("past").EnumerateArray(), r => r.GetProperty("requestId").GetString() == past);
        Assert.Equal(["training_pipeline"], replayed.GetProperty("standingDropped").EnumerateArray().Select(r => r.GetString()));

        // Nothing changed: the grant stands, the catalogue is as it was.
        Assert.Equal("granted", (await RequestAsync(live, Requester)).GetProperty("status").GetString());
        Assert.Equal(text, (await Host.Get($"/api/datasets/{Dataset}", Privacy)).ReadJson().GetProperty("text").GetString());
        // A text that does not parse is every error at its place; a responder who answers for nothing may not try it.
        await Host.Post("/api/catalogue/replay", new { text = "name: [" }, Privacy, expect: 422);
        await Host.Post("/api/catalogue/replay", new { text = tightened }, Requester, expect: 403);
    }

    private async Task<string> PastRoleAsync(string role)
    {
        var past = $"{role}_p";
        await Fixture.Warehouse.ExecuteAsync($"create role {past} nologin");
        return past;
    }

    [Fact]
    public async Task leadership_counts_requests_their_ends_break_glass_and_the_time_to_decide_and_sees_nothing_more()
    {
        // From now: the requests the tests before this one made (a moment ago) are not in the window.
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"));
        var role = await RoleAsync();
        await GrantedAsync(role);
        var refused = (await Host.Post("/api/access-requests", new { dataset = Dataset, grantee = role, purpose = "analytics", duration = "1h",
            reason = "again" }, Requester, expect: 202)).ReadJson().GetProperty("requestId").GetString()!;
        await Host.Post($"/api/approvals/{await ApprovalOfAsync(refused)}/decision", new { decision = "reject" }, Privacy, expect: 204);
        var glass = (await Host.Post("/api/access-requests", new { dataset = Dataset, grantee = role, purpose = "analytics", duration = "1h",
            reason = "outage", breakGlass = true }, Requester, expect: 202)).ReadJson().GetProperty("requestId").GetString()!;
        await RunScenarios.Eventually(() => RequestAsync(glass, Requester), r => r.GetProperty("status").GetString() == "granted");
        await RunScenarios.Eventually(() => RequestAsync(refused, Requester), r => r.GetProperty("status").GetString() == "refused");

        var answer = await Host.Get($"/api/metrics/access?from={since}", Api.Leadership);
        var figures = answer.ReadJson();
        Assert.Equal((3, 2, 1, 1), (figures.GetProperty("requested").GetInt32(), figures.GetProperty("granted").GetInt32(),
            figures.GetProperty("refused").GetInt32(), figures.GetProperty("breakGlass").GetInt32()));
        Assert.True(figures.GetProperty("medianSecondsToDecide").GetDouble() >= 0);
        Assert.True(figures.GetProperty("timeBoxedGrantsNow").GetInt32() >= 2);
        Assert.DoesNotContain(role, answer.ReadAsText()); // counts only
        await Host.Get("/api/metrics/access", Requester, expect: 403);
    }

    [Fact]
    public async Task a_grant_revoked_by_hand_before_its_end_is_found_and_recorded_and_the_request_ends()
    {
        var role = await RoleAsync();
        var requestId = await GrantedAsync(role);
        var scanned = ActivatorUtilities.CreateInstance<ScannedAccess>(Host.Services, new DetectionOptions());
        var scanner = ActivatorUtilities.CreateInstance<AclDriftScanner>(Host.Services, scanned);
        Assert.DoesNotContain(Guid.Parse(requestId), await scanner.RecordGoneAsync(scanned.Policy()!, CancellationToken.None)); // still there

        await Fixture.Warehouse.ExecuteAsync($"revoke select on {Dataset} from {role}");
        Assert.Contains(Guid.Parse(requestId), await scanner.RecordGoneAsync(scanned.Policy()!, CancellationToken.None));
        var ended = await RequestAsync(requestId, Requester);
        Assert.Equal(("ended", "acl-drift-scanner"), (ended.GetProperty("status").GetString(), ended.GetProperty("endedBy").GetString()));
        Assert.Contains("revoked outside the product", ended.GetProperty("endReason").GetString());
        Assert.Contains((await Host.Get($"/api/access-requests/{requestId}/history", Requester)).ReadJson().GetProperty("events").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "AccessFoundRevoked");
        Assert.DoesNotContain(Guid.Parse(requestId), await scanner.RecordGoneAsync(scanned.Policy()!, CancellationToken.None)); // once
    }

    [Fact]
    public async Task a_request_approved_in_time_does_not_expire_while_its_grant_is_under_way()
    {
        var role = await RoleAsync();
        var requestId = (await Host.Post("/api/access-requests", new { dataset = Dataset, grantee = role, purpose = "analytics", duration = "1h",
            reason = "study" }, Requester, expect: 202)).ReadJson().GetProperty("requestId").GetString()!;
        // Its grant will fail and retry for a while: the role is gone by the time it is approved.
        await Fixture.Warehouse.ExecuteAsync($"drop role {role}");
        var approval = await ApprovalOfAsync(requestId);
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Owner, expect: 204);
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Privacy, expect: 204);
        await RunScenarios.Eventually(() => RequestAsync(requestId, Requester),
            r => r.GetProperty("run").GetProperty("steps").EnumerateArray().Any(s => s.GetProperty("id").GetString() == "grant"
                                                                                    && s.GetProperty("attempts").GetInt32() >= 1));

        await Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).InvokeMessageAndWaitAsync(new ExpireAccessRequest(Guid.Parse(requestId), "1d"));
        Assert.NotEqual("expired", (await RequestAsync(requestId, Requester)).GetProperty("status").GetString());
    }
}
