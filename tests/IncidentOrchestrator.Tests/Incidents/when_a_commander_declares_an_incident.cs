using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Incidents;

public sealed class when_a_commander_declares_an_incident(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task it_answers_201_with_the_id_and_the_incident_reads_back_as_declared()
    {
        var created = await Host.Post("/api/incidents",
            new { title = "Employee activity dataset exposed", severity = "critical", restricted = true, summary = "ACL mistake" },
            Api.Commander, expect: 201);
        var id = created.ReadJson().GetProperty("id").GetGuid();
        Assert.Equal($"/api/incidents/{id}", created.Context.Response.Headers.Location.ToString());

        var incident = await Host.Incident(id);
        Assert.Equal("Employee activity dataset exposed", incident.Title);
        Assert.Equal("critical", incident.Severity);
        Assert.Equal("open", incident.Status);
        Assert.True(incident.Restricted);
        Assert.Equal("cora.commander", incident.Commander);
        Assert.Equal(0, incident.SignalCount);
        Assert.Null(incident.ContainedAt);
        Assert.Null(incident.ResolvedAt);
        Assert.Equal(0, incident.Runs.GetArrayLength());
    }

    [Fact]
    public async Task the_timeline_lists_what_happened_oldest_first_with_who_and_when()
    {
        var id = await Host.DeclareIncident(severity: "medium");
        await Host.Post($"/api/incidents/{id}/participants", new { subject = "rui.responder" }, expect: 204);
        await Host.Post($"/api/incidents/{id}/status", new { status = "resolved", reason = "grant revoked" }, expect: 204);
        await Host.Post($"/api/incidents/{id}/status", new { status = "closed", reason = "reviewed" }, expect: 204);

        var timeline = await Host.Timeline(id);

        Assert.Equal(["IncidentDeclared", "ParticipantAdded", "IncidentResolved", "IncidentClosed"], timeline.Select(t => t.Type));
        Assert.Equal([1L, 2L, 3L, 4L], timeline.Select(t => t.Sequence));
        Assert.All(timeline, t => Assert.Equal("cora.commander", t.Actor));
        Assert.True(timeline.Zip(timeline.Skip(1)).All(p => p.First.At <= p.Second.At));
        Assert.Equal("Incident resolved: grant revoked", timeline[2].Summary);
        Assert.Equal("rui.responder", timeline[1].Data.GetProperty("subject").GetString());

        var incident = await Host.Incident(id);
        Assert.Equal("closed", incident.Status);
        Assert.NotNull(incident.ResolvedAt);
    }

    [Fact]
    public async Task the_list_filters_by_status_and_severity()
    {
        var high = await Host.DeclareIncident("high one", "high");
        var low = await Host.DeclareIncident("low one", "low");
        await Host.Post($"/api/incidents/{low}/status", new { status = "resolved" }, expect: 204);

        Assert.Equal([high], (await Host.Incidents("?status=open")).Select(i => i.Id));
        Assert.Equal([low], (await Host.Incidents("?severity=low")).Select(i => i.Id));
        Assert.Empty(await Host.Incidents("?status=open&severity=low"));
        await Host.Get("/api/incidents?status=exploded", expect: 400);
        // Names in any case, as a body is read; a number is not a name.
        Assert.Equal([low], (await Host.Incidents("?severity=LOW")).Select(i => i.Id));
        await Host.Get("/api/incidents?severity=0", expect: 400);
    }

    [Fact]
    public async Task a_closed_incident_cannot_be_resolved_again()
    {
        var id = await Host.DeclareIncident(severity: "medium");
        await Host.Post($"/api/incidents/{id}/status", new { status = "closed" }, expect: 204);

        var problem = (await Host.Post($"/api/incidents/{id}/status", new { status = "resolved" }, expect: 409)).Read<ProblemView>();

        Assert.Contains("already closed", problem.Detail);
    }

    [Theory]
    [InlineData("{\"severity\":\"high\"}", "title")]
    [InlineData("{\"title\":\"t\"}", "severity")]
    [InlineData("{\"title\":\"t\",\"severity\":\"high\",\"status\":\"closed\"}", null)]
    [InlineData("{\"title\":\"t\",\"severity\":\"high\",\"id\":\"5b1a5d2e-0000-0000-0000-000000000000\"}", null)]
    public async Task a_bad_or_overreaching_body_is_refused_and_declares_nothing(string body, string? field)
    {
        var problem = (await Host.Post("/api/incidents", body, Api.Commander, expect: 400)).Read<ProblemView>();

        if (field is not null) Assert.Contains(field, problem.Errors!.Keys);
        Assert.Empty(await Host.Incidents());
    }

    [Fact]
    public async Task unknown_ids_answer_404_problems()
    {
        var unknown = Guid.NewGuid();
        await Host.Get($"/api/incidents/{unknown}", expect: 404);
        await Host.Get($"/api/incidents/{unknown}/timeline", expect: 404);
        await Host.Post($"/api/incidents/{unknown}/status", new { status = "resolved" }, expect: 404);
        await Host.Post($"/api/incidents/{unknown}/participants", new { subject = "x" }, expect: 404);
        await Host.Get("/api/incidents/not-a-guid", expect: 404);
    }
}
