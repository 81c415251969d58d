using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class when_several_nodes_scan_for_drift(ClusterFixture cluster)
{
    [Fact]
    public async Task a_drift_is_reported_once_whichever_node_scans_and_however_often()
    {
        await cluster.BothRunningAsync();
        var grantee = $"drift_{Guid.NewGuid():N}"[..20];
        await cluster.Warehouse.ExecuteAsync($"create role {grantee} nologin; grant select on hr.payroll to {grantee}");

        foreach (var node in new[] { cluster.A, cluster.B, cluster.A, cluster.B })
        {
            var drifts = await ClusterFixture.ApiAsync(node, HttpMethod.Post, "/api/detection/scan");
            Assert.Contains(drifts.EnumerateArray(), d => d.GetProperty("grantee").GetString() == grantee); // every scan sees it
        }

        var incidents = (await ClusterFixture.ApiAsync(cluster.B, HttpMethod.Get, $"/api/incidents?q={grantee}")).EnumerateArray().ToList();
        var incident = Assert.Single(incidents);
        var signals = await ClusterFixture.ApiAsync(cluster.A, HttpMethod.Get,
            $"/api/incidents/{incident.GetProperty("id").GetString()}/timeline?types=SignalReceived");
        Assert.Equal(1, signals.GetArrayLength()); // reported once: the record of what was reported is the database's, not a node's memory
    }
}
