using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

/// <summary>Two detections of one exposure, or a storm of drift signals, revoke the same grant at the same moment.</summary>
public sealed class when_runs_contend_for_the_same_grant(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task thirty_concurrent_runs_revoking_one_grant_all_succeed_and_each_says_what_it_found()
    {
        var table = $"hr.contended_{Key}";
        var role = $"everyone_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create table {table} (employee_id int); create role {role} nologin; grant select on {table} to {role}");

        var incidents = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Incident()));
        var runs = await Task.WhenAll(incidents.Select(i => Host.StartRun(i, "test-contain", new { dataset = table, grantee = role })));
        var ended = await Task.WhenAll(incidents.Zip(runs).Select(r => Host.RunEnded(r.First, r.Second, TimeSpan.FromSeconds(90))));

        Assert.All(ended, run => Assert.Equal("succeeded", run.Status));
        Assert.False(await Fixture.Warehouse.CanReadAsync(role, table));
        var revokes = ended.Select(r => r.Step("revoke-grant").Outputs).ToList();
        // One run found the grant and revoked it; the others found it already gone, and say so.
        var changed = Assert.Single(revokes, o => o.GetProperty("changed").GetBoolean());
        Assert.Equal("SELECT", changed.GetProperty("revoked").GetProperty(table)[0].GetString());
        Assert.All(revokes.Where(o => !o.GetProperty("changed").GetBoolean()), o =>
        {
            Assert.Empty(o.GetProperty("revoked").EnumerateObject());
            Assert.Equal(0, o.GetProperty("before").GetProperty(table).GetArrayLength());
        });
    }
}
