using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_evidence_is_preserved(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task the_rows_are_copied_into_the_incident_with_a_hash_anyone_can_check()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-evidence", new { application = "chat" }));
        Assert.Equal("succeeded", run.Status);

        var listed = (await Host.Get($"/api/incidents/{incident}/evidence")).ReadJson().EnumerateArray().Single();
        var evidenceId = listed.GetProperty("evidenceId").GetGuid();
        var evidence = (await Host.Get($"/api/incidents/{incident}/evidence/{evidenceId}")).ReadJson();
        var content = evidence.GetProperty("content").GetString()!;

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))), evidence.GetProperty("sha256").GetString());
        var rows = JsonDocument.Parse(content).RootElement;
        Assert.Equal((long)await Fixture.Warehouse.ScalarAsync<long>("select count(*) from hr.employee_activity where application = 'chat'"), rows.GetArrayLength());
        Assert.All(rows.EnumerateArray(), r => Assert.Equal("chat", r.GetProperty("application").GetString()));
        Assert.Equal("activity in chat", listed.GetProperty("name").GetString());
        Assert.Equal(evidenceId, run.Step("snapshot").Outputs.GetProperty("evidenceId").GetGuid());
        Assert.Contains(await Host.Timeline(incident), t => t.Type == "EvidenceCaptured");
    }

    [Fact]
    public async Task a_hostile_input_in_the_query_stays_a_value()
    {
        var incident = await Incident();
        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-evidence",
            new { application = "chat' or '1'='1" }));

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(0, run.Step("snapshot").Outputs.GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task an_evidence_query_cannot_change_data()
    {
        var before = await Fixture.Warehouse.ScalarAsync<long>("select count(*) from hr.employee_activity");
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-evidence-write"));

        Assert.Equal("failed", run.Status);
        Assert.Contains("read-only transaction", run.Step("snapshot").Error);
        Assert.Equal(before, await Fixture.Warehouse.ScalarAsync<long>("select count(*) from hr.employee_activity"));
    }
}
