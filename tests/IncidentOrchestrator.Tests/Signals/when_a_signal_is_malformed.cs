using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Signals;

public sealed class when_a_signal_is_malformed(AppFixture fixture) : IntegrationContext(fixture)
{
    [Theory]
    [InlineData("{\"source\": \"acl-scanner\", ", "Invalid JSON")]
    [InlineData("[1, 2]", "Invalid JSON")]
    [InlineData("null", "A JSON body is required.")]
    public async Task unreadable_json_gets_a_problem_and_stores_nothing(string body, string expected)
    {
        var result = await Host.Post("/api/signals", body, Api.Ingest, expect: 400);

        Assert.Equal("application/problem+json", result.Context.Response.ContentType);
        var problem = result.Read<ProblemView>();
        Assert.Contains(expected, problem.Title + problem.Detail);
        Assert.Empty(await Host.Incidents());
    }

    [Fact]
    public async Task missing_fields_are_named_in_the_problem()
    {
        var result = await Host.Post("/api/signals", new { source = "acl-scanner", title = "no type" }, Api.Ingest, expect: 400);

        var problem = result.Read<ProblemView>();
        Assert.Equal(400, problem.Status);
        Assert.Equal(["fingerprint", "severity", "type"], problem.Errors!.Keys.Order());
        Assert.Empty(await Host.Incidents());
    }

    [Fact]
    public async Task an_unknown_severity_or_field_is_rejected()
    {
        await Host.Post("/api/signals", new { source = "s", type = "t", severity = "apocalyptic", fingerprint = "f" }, Api.Ingest, expect: 400);
        await Host.Post("/api/signals", new { source = "s", type = "t", severity = "high", fingerprint = "f", incidentId = Guid.NewGuid() }, Api.Ingest, expect: 400);

        Assert.Empty(await Host.Incidents());
    }

    [Fact]
    public async Task one_bad_signal_in_a_batch_rejects_the_batch_and_names_its_index()
    {
        var batch = new[] { Scenarios.Signal("fp-a"), new { source = "s", type = "t", severity = "high" }, Scenarios.Signal("fp-b") };

        var problem = (await Host.Post("/api/signals/batch", batch, Api.Ingest, expect: 400)).Read<ProblemView>();

        Assert.Equal(["[1].fingerprint"], problem.Errors!.Keys);
        Assert.Empty(await Host.Incidents());
    }

    [Fact]
    public async Task a_batch_over_a_thousand_is_refused()
    {
        var batch = Enumerable.Range(0, 1001).Select(i => Scenarios.Signal($"fp-{i}")).ToArray();

        var problem = (await Host.Post("/api/signals/batch", batch, Api.Ingest, expect: 400)).Read<ProblemView>();

        Assert.Contains("at most 1000", problem.Detail);
        Assert.Empty(await Host.Incidents());
    }

    [Fact]
    public async Task an_oversize_body_is_refused_before_it_is_read()
    {
        var huge = "[" + string.Join(",", Enumerable.Repeat("{\"source\":\"" + new string('x', 1000) + "\"}", 5000)) + "]";

        var problem = (await Host.Post("/api/signals/batch", huge, Api.Ingest, expect: 413)).Read<ProblemView>();

        Assert.Equal("Request body too large", problem.Title);
    }
}
