using System.Text.Json;
using Alba;
using Marten;
using IncidentOrchestrator.Access.Reviews;
using Microsoft.Extensions.DependencyInjection;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Access;

/// <summary>
/// A dataset's access reviewed: each standing or long-lived grant on its table, read from the real warehouse, becomes a task for its
/// owner (user:hana.hr-data), who keeps it with a reason or revokes it, read back; unanswered, it escalates to the dataset's steward, and
/// on a restricted dataset its deadline revokes it. Each test catalogues a table of its own.
/// </summary>
public sealed class when_access_is_reviewed(RunsFixture fixture) : RunContext(fixture), IAsyncLifetime
{
    private static readonly string Owner = Tokens.For("hana.hr-data", Roles.Responder);
    private static readonly string Privacy = Tokens.For("pia.privacy", Roles.Privacy);
    private static readonly string Stranger = Tokens.For("rita.responder", Roles.Responder);

    private string Dataset => $"hr.review_{Key}";
    private string Standing => $"std_{Key}";

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Fixture.Uncatalogue(Dataset);

    private Task CatalogueAsync(string classification, string review = "90d", string owner = "user:hana.hr-data") =>
        Fixture.CatalogueTableAsync(Key, classification, review, owner);

    private async Task<string> OpenAsync(string within, int grants, string? token = null)
    {
        var opened = (await Host.Post("/api/access-reviews", new { dataset = Dataset, within }, token ?? Owner, expect: 202)).ReadJson();
        Assert.Equal(grants, opened.GetProperty("grants").GetInt32());
        return opened.GetProperty("reviewId").GetString()!;
    }

    private async Task<JsonElement> ReviewAsync(string id, string? token = null) => (await Host.Get($"/api/access-reviews/{id}", token ?? Owner)).ReadJson();

    private static JsonElement Item(JsonElement review, string grantee) =>
        review.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("grantee").GetString() == grantee);

    private async Task<List<JsonElement>> TasksAsync(string id, string token) =>
        (await Host.Get("/api/tasks?mine=true&status=open,acknowledged,escalated&limit=500", token)).ReadJson().EnumerateArray()
        .Where(t => t.GetProperty("incidentId").GetString() == id).ToList();

    /// <summary>Access asked for <paramref name="grantee"/> for a day, approved by the dataset's two approvers, granted.</summary>
    private async Task<string> GrantedRequestAsync(string grantee)
    {
        await Fixture.Warehouse.ExecuteAsync($"create role {grantee} nologin");
        var requestId = (await Host.Post("/api/access-requests", new { dataset = Dataset, grantee, purpose = "analytics", duration = "1d", reason = "a study" },
            Tokens.For("nina.analyst", Roles.Responder), expect: 202)).ReadJson().GetProperty("requestId").GetString()!;
        await ApproveAsync(requestId);
        return requestId;
    }

    private async Task ApproveAsync(string requestId)
    {
        var approval = (await RunScenarios.Eventually(async () => (await Host.Get($"/api/approvals?incident={requestId}", Owner)).ReadJson(),
            a => a.GetArrayLength() == 1))[0].GetProperty("approvalId").GetString()!;
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Owner, expect: 204);
        await Host.Post($"/api/approvals/{approval}/decision", new { decision = "approve" }, Privacy, expect: 204);
        await RunScenarios.Eventually(async () => (await Host.Get($"/api/access-requests/{requestId}", Owner)).ReadJson(),
            r => r.GetProperty("status").GetString() == "granted");
    }

    [Fact]
    public async Task the_owner_keeps_a_grant_with_a_reason_and_revokes_another_which_is_read_back_from_the_database()
    {
        await CatalogueAsync("restricted");
        var requested = $"req_{Key}";
        var requestId = await GrantedRequestAsync(requested);
        var stray = $"stray_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create role {stray} nologin; grant select on {Dataset} to {stray}");

        // The standing role and the requested grant that outlives the review are asked about; a grant nobody approved is drift, not a review's.
        var id = await OpenAsync("1h", grants: 2);
        var review = await ReviewAsync(id);
        Assert.Equal(("open", "asked", "hana.hr-data"), (review.GetProperty("status").GetString(), review.GetProperty("trigger").GetString(),
            review.GetProperty("openedBy").GetString()));
        Assert.Equal("standing", Item(review, Standing).GetProperty("kind").GetString());
        Assert.Equal(("requested", requestId), (Item(review, requested).GetProperty("kind").GetString(), Item(review, requested).GetProperty("requestId").GetString()));
        Assert.DoesNotContain(review.GetProperty("items").EnumerateArray(), i => i.GetProperty("grantee").GetString() == stray);

        // Each grant is a task for the owner, in My work, linked to the review.
        var tasks = await RunScenarios.Eventually(() => TasksAsync(id, Owner), t => t.Count == 2);
        Assert.All(tasks, t => Assert.Equal(($"/api/access-reviews/{id}", "access-review"), (t.GetProperty("link").GetString(), t.GetProperty("subject").GetString())));

        // Whom the review does not concern does not see it; privacy sees it, but the owner's task is not theirs to answer.
        await Host.Get($"/api/access-reviews/{id}", Stranger, expect: 404);
        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = Standing, decision = "revoke", reason = "x" }, Stranger, expect: 404);
        await ReviewAsync(id, Privacy);
        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = Standing, decision = "revoke", reason = "x" }, Privacy, expect: 403);
        // Keeping needs a reason; a grantee not under review and a decision that is neither are the caller's mistakes.
        var noReason = (await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = Standing, decision = "keep" }, Owner, expect: 400)).ReadJson();
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = stray, decision = "revoke", reason = "x" }, Owner, expect: 400);
        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = Standing, decision = "maybe", reason = "x" }, Owner, expect: 400);

        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = Standing, decision = "keep", reason = "the analysts' daily reports" }, Owner, expect: 202);
        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = requested, decision = "revoke", reason = "the study ended early" }, Owner, expect: 202);

        var done = await RunScenarios.Eventually(() => ReviewAsync(id), r => r.GetProperty("status").GetString() == "completed");
        Assert.Equal(("keep", "the analysts' daily reports", "hana.hr-data"), (Item(done, Standing).GetProperty("decision").GetString(),
            Item(done, Standing).GetProperty("reason").GetString(), Item(done, Standing).GetProperty("by").GetString()));
        Assert.Equal(("revoke", true, false), (Item(done, requested).GetProperty("decision").GetString(), Item(done, requested).GetProperty("revoked").GetBoolean(),
            Item(done, requested).GetProperty("couldStillRead").GetBoolean()));
        Assert.Equal([requestId], Item(done, requested).GetProperty("requestsEnded").EnumerateArray().Select(r => r.GetString()));
        Assert.True(await Fixture.Warehouse.CanReadAsync(Standing, Dataset));
        Assert.False(await Fixture.Warehouse.CanReadAsync(requested, Dataset));
        // The request says it ended, by whom and through which review; its run was cancelled, so its end revokes nothing again.
        var request = await RunScenarios.Eventually(async () => (await Host.Get($"/api/access-requests/{requestId}", Owner)).ReadJson(),
            r => r.GetProperty("status").GetString() == "ended");
        Assert.Equal("hana.hr-data", request.GetProperty("endedBy").GetString());
        Assert.Contains($"access review {id}", request.GetProperty("endReason").GetString());
        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = requested, decision = "keep", reason = "changed my mind" }, Owner, expect: 409);
        Assert.Empty(await TasksAsync(id, Owner));
    }

    [Fact]
    public async Task unanswered_it_escalates_to_the_steward_and_a_restricted_datasets_deadline_revokes_what_nobody_answered()
    {
        await CatalogueAsync("restricted");
        var id = await OpenAsync("2s", grants: 1);

        // Not answered by its due date: privacy, the dataset's steward, gets the work too.
        var escalated = await RunScenarios.Eventually(() => TasksAsync(id, Privacy), t => t.Count == 1);
        Assert.Contains("Escalated", escalated[0].GetProperty("title").GetString());
        // As long again: revoked in nobody's name, read back, and the tasks closed.
        var revoked = await RunScenarios.Eventually(() => ReviewAsync(id), r => r.GetProperty("status").GetString() == "completed");
        var item = Item(revoked, Standing);
        Assert.Equal(("revoke", true, "system", false), (item.GetProperty("decision").GetString(), item.GetProperty("unanswered").GetBoolean(),
            item.GetProperty("by").GetString(), item.GetProperty("couldStillRead").GetBoolean()));
        Assert.False(await Fixture.Warehouse.CanReadAsync(Standing, Dataset));
        Assert.Empty(await TasksAsync(id, Owner));
        Assert.Empty(await TasksAsync(id, Privacy));
    }

    [Fact]
    public async Task on_a_dataset_that_is_not_restricted_an_unanswered_grant_stands_and_the_review_says_so()
    {
        await CatalogueAsync("confidential");
        var id = await OpenAsync("1s", grants: 1);
        var overdue = await RunScenarios.Eventually(() => ReviewAsync(id), r => r.GetProperty("leftUnanswered").GetArrayLength() == 1);
        Assert.Equal(("open", true), (overdue.GetProperty("status").GetString(), overdue.GetProperty("overdue").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, Item(overdue, Standing).GetProperty("decision").ValueKind);
        Assert.True(await Fixture.Warehouse.CanReadAsync(Standing, Dataset));
        Assert.Contains((await Host.Get($"/api/access-reviews?dataset={Dataset}&overdue=true", Owner)).ReadJson().EnumerateArray(),
            r => r.GetProperty("id").GetString() == id);
        // Leadership counts it, and nothing more.
        var figures = (await Host.Get("/api/metrics/access", Tokens.For("lena.leadership", Roles.Leadership))).ReadJson();
        Assert.True(figures.GetProperty("reviewsOverdue").GetInt32() >= 1);
        Assert.DoesNotContain(Standing, figures.GetRawText());
        // Still answerable, by whom it escalated to as well (once its escalation, a timer of its own, has given them their task).
        await RunScenarios.Eventually(() => TasksAsync(id, Privacy), t => t.Count == 1);
        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = Standing, decision = "keep", reason = "checked late" }, Privacy, expect: 202);
        await RunScenarios.Eventually(() => ReviewAsync(id), r => r.GetProperty("status").GetString() == "completed");
        Assert.Empty((await Host.Get($"/api/access-reviews?dataset={Dataset}&overdue=true", Owner)).ReadJson().EnumerateArray());
    }

    [Fact]
    public async Task the_catalogue_interval_opens_a_review_once_however_many_nodes_look()
    {
        await CatalogueAsync("confidential", review: "1d");
        var periodic = Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<PeriodicAccessReviews>().Single();
        var now = DateTimeOffset.UtcNow;
        // Not due yet: nothing is.
        Assert.DoesNotContain(await periodic.DueAsync(now.AddHours(1), CancellationToken.None), d => d.Dataset == Dataset);

        // A day on, two nodes look before either opens it: both find the same review due, and only one of them opens it.
        var later = now.AddDays(1).AddMinutes(1);
        var first = (await periodic.DueAsync(later, CancellationToken.None)).Single(d => d.Dataset == Dataset);
        var second = (await periodic.DueAsync(later, CancellationToken.None)).Single(d => d.Dataset == Dataset);
        Assert.Equal(first, second);
        Assert.InRange(first.DueAt, now.AddDays(1).AddMinutes(-1), now.AddDays(1).AddMinutes(1));
        Assert.True(await periodic.OpenAsync(first, later, CancellationToken.None));
        Assert.False(await periodic.OpenAsync(second, later, CancellationToken.None));
        await using (var session = Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession())
            Assert.Single(await session.Query<AccessReview>().Where(r => r.Dataset == Dataset).ToListAsync());

        var review = await ReviewAsync(first.ReviewId.ToString());
        Assert.Equal(("schedule", "system", 1), (review.GetProperty("trigger").GetString(), review.GetProperty("openedBy").GetString(),
            review.GetProperty("items").GetArrayLength()));
        // While it is open, no other opens; answered, the next is due a day after this one was due, however late it was opened.
        Assert.DoesNotContain(await periodic.DueAsync(later.AddDays(1), CancellationToken.None), d => d.Dataset == Dataset);
        await RunScenarios.Eventually(() => TasksAsync(first.ReviewId.ToString(), Owner), t => t.Count == 1);
        await Host.Post($"/api/access-reviews/{first.ReviewId}/answer", new { grantee = Standing, decision = "keep", reason = "checked" }, Owner, expect: 202);
        Assert.DoesNotContain(await periodic.DueAsync(later.AddHours(1), CancellationToken.None), d => d.Dataset == Dataset);
        Assert.Equal(first.DueAt.AddDays(1), (await periodic.DueAsync(later.AddDays(1), CancellationToken.None)).Single(d => d.Dataset == Dataset).DueAt);
        // Five intervals missed (the service was down): one review, due at the latest of them.
        Assert.Equal(first.DueAt.AddDays(5), (await periodic.DueAsync(first.DueAt.AddDays(5).AddHours(3), CancellationToken.None)).Single(d => d.Dataset == Dataset).DueAt);
    }

    [Fact]
    public async Task a_revoked_grant_ends_every_request_that_held_it_an_extension_too()
    {
        await CatalogueAsync("restricted");
        var requested = $"req_{Key}";
        var first = await GrantedRequestAsync(requested);
        var extension = (await Host.Post($"/api/access-requests/{first}/extend", new { duration = "2d", reason = "longer" },
            Tokens.For("nina.analyst", Roles.Responder), expect: 202)).ReadJson().GetProperty("requestId").GetString()!;
        await ApproveAsync(extension);

        var id = await OpenAsync("1h", grants: 2);
        await RunScenarios.Eventually(() => TasksAsync(id, Owner), t => t.Count == 2);
        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = requested, decision = "revoke", reason = "no longer needed" }, Owner, expect: 202);
        var revoked = await RunScenarios.Eventually(() => ReviewAsync(id), r => Item(r, requested).GetProperty("revoked").GetBoolean());
        Assert.Equal([first, extension], Item(revoked, requested).GetProperty("requestsEnded").EnumerateArray().Select(r => r.GetString()!).Order());
        Assert.False(await Fixture.Warehouse.CanReadAsync(requested, Dataset));
        foreach (var request in new[] { first, extension })
            Assert.Equal("ended", (await Host.Get($"/api/access-requests/{request}", Owner)).ReadJson().GetProperty("status").GetString());
    }

    [Fact]
    public async Task an_owner_on_call_is_whoever_is_on_call_when_it_opens_and_they_may_see_and_answer_it()
    {
        await CatalogueAsync("confidential", owner: "oncall:security");
        var id = await OpenAsync("1h", grants: 1, Privacy);
        var review = await ReviewAsync(id, Privacy);
        var onCall = review.GetProperty("assignedTo").GetString()!;
        Assert.Matches("^user:(rui|sam).responder$", onCall);
        var person = Tokens.For(onCall["user:".Length..], Roles.Responder);
        var other = Tokens.For(onCall.Contains("rui") ? "sam.responder" : "rui.responder", Roles.Responder);
        await ReviewAsync(id, person);
        await Host.Get($"/api/access-reviews/{id}", other, expect: 404);
        await RunScenarios.Eventually(() => TasksAsync(id, person), t => t.Count == 1);
        await Host.Post($"/api/access-reviews/{id}/answer", new { grantee = Standing, decision = "keep", reason = "on-call checked it" }, person, expect: 202);
        await RunScenarios.Eventually(() => ReviewAsync(id, person), r => r.GetProperty("status").GetString() == "completed");
    }

    [Fact]
    public async Task an_incident_on_the_dataset_records_who_could_read_it_as_evidence_and_opens_a_review_of_its_access()
    {
        await CatalogueAsync("restricted");
        var incident = await Incident();
        var runId = await Host.StartRun(incident, "test-access-review", new { dataset = Dataset });
        var run = await Host.RunEnded(incident, runId);
        Assert.Equal("succeeded", run.Status);

        var evidence = (await Host.Get($"/api/incidents/{incident}/evidence", Api.Commander)).ReadJson().EnumerateArray().Single();
        Assert.StartsWith($"who could read {Dataset}", evidence.GetProperty("name").GetString());
        var content = (await Host.Get($"/api/incidents/{incident}/evidence/{evidence.GetProperty("evidenceId").GetString()}", Api.Commander)).ReadJson();
        Assert.Contains(Standing, content.GetRawText());

        var reviewId = run.Steps.Single(s => s.Id == "review-access").Outputs.GetProperty("reviewId").GetString()!;
        var review = await ReviewAsync(reviewId);
        Assert.Equal(("incident", incident.ToString(), 1), (review.GetProperty("trigger").GetString(), review.GetProperty("incidentId").GetString(),
            review.GetProperty("items").GetArrayLength()));
        var timeline = (await Host.Get($"/api/incidents/{incident}/timeline?limit=200", Api.Commander)).ReadJson().GetRawText();
        Assert.Contains($"Access review {reviewId} of {Dataset} opened: 1 grant put to its owner", timeline);
        Assert.DoesNotContain(Standing, timeline);
    }

    [Fact]
    public async Task a_tightened_catalogue_puts_what_it_would_refuse_to_the_owner_in_a_review()
    {
        await CatalogueAsync("restricted");
        var requested = $"req_{Key}";
        await GrantedRequestAsync(requested);
        var candidate = (await System.IO.File.ReadAllTextAsync(Path.Combine(Fixture.Catalogue, $"{Dataset}.yaml"))).Replace($"standing: [{Standing}]", "standing: []").Replace("purposes: [analytics]", "purposes: [reporting]");
        var replayed = (await Host.Post("/api/catalogue/replay", new { text = candidate, openReview = true }, Owner)).ReadJson();
        Assert.Equal([Standing], replayed.GetProperty("standingDropped").EnumerateArray().Select(s => s.GetString()));
        var review = await ReviewAsync(replayed.GetProperty("reviewId").GetString()!);
        Assert.Equal("catalogue-replay", review.GetProperty("trigger").GetString());
        Assert.Equal([requested, Standing], review.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("grantee").GetString()).Order());
        // Without openReview, the replay changes nothing.
        Assert.Equal(JsonValueKind.Null, (await Host.Post("/api/catalogue/replay", new { text = candidate }, Owner)).ReadJson().GetProperty("reviewId").ValueKind);
    }
}
