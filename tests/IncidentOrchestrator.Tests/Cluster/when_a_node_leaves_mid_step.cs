using System.Diagnostics;
using IncidentOrchestrator.Tests.Fixtures;
using Xunit.Abstractions;

namespace IncidentOrchestrator.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class when_a_node_leaves_mid_step(ClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task the_other_node_finishes_the_run_and_each_action_takes_effect_once()
    {
        await cluster.BothRunningAsync();
        using (var http = new HttpClient()) // readiness says so once its heartbeat is fresh (a busy machine may delay one)
            await RunScenarios.Eventually(async () => await (await http.GetAsync($"{cluster.B.Url}/health/ready")).Content.ReadAsStringAsync(),
                ready => ready.Contains("Node node-b is in the cluster"), within: TimeSpan.FromSeconds(30));
        var (key, incident, run, held) = await MidStepAsync(cluster.A, "handover"); // node A's first delivery stays in flight until A is dead
        var killed = Stopwatch.StartNew();
        await cluster.A.KillAsync(); // SIGKILL, mid-step
        held.Released.TrySetResult();

        var status = await ClusterFixture.RunEndedAsync(cluster.B, incident, run, TimeSpan.FromSeconds(60));
        output.WriteLine($"node-b finished the run {killed.Elapsed.TotalSeconds:0.0} s after node-a was killed");
        Assert.Equal("succeeded", status);

        // Delivered at least once each, and in effect once: every delivery of a step carries the same key.
        var first = cluster.Receiver.For(key).Where(r => r.Body.Contains("\"first\"")).ToList();
        var second = cluster.Receiver.For(key).Where(r => r.Body.Contains("\"second\"")).ToList();
        Assert.True(first.Count >= 2, $"node-b did not deliver the step node-a died in ({first.Count} deliveries)");
        Assert.Single(first.Select(r => r.IdempotencyKey).Distinct());
        Assert.Single(second.Select(r => r.IdempotencyKey).Distinct());
        Assert.NotEqual(first[0].IdempotencyKey, second[0].IdempotencyKey);

        // The record agrees: one result per step, and a history that verifies.
        var succeeded = await ClusterFixture.ApiAsync(cluster.B, HttpMethod.Get, $"/api/incidents/{incident}/timeline?types=StepSucceeded,StepRan&limit=1000");
        Assert.Equal(["Step first ended succeeded", "Step second ended succeeded"], succeeded.EnumerateArray().Select(e => e.GetProperty("summary").GetString()));
        var verify = await ClusterFixture.ApiAsync(cluster.B, HttpMethod.Get, $"/api/incidents/{incident}/verify");
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
    }

    [Fact]
    public async Task a_node_stopped_with_sigterm_finishes_its_step_before_it_leaves_and_the_other_node_goes_on()
    {
        await cluster.BothRunningAsync();
        var (key, incident, run, held) = await MidStepAsync(cluster.B, "drain");

        var stopping = Stopwatch.StartNew();
        var stop = cluster.B.StopAsync(TimeSpan.FromSeconds(30)); // SIGTERM while its step is in flight
        await Task.Delay(500);
        held.Released.TrySetResult(); // the step it was doing completes
        await stop;
        output.WriteLine($"node-b stopped {stopping.Elapsed.TotalSeconds:0.0} s after SIGTERM");

        var status = await ClusterFixture.RunEndedAsync(cluster.A, incident, run, TimeSpan.FromSeconds(30));
        output.WriteLine($"node-a finished the run {stopping.Elapsed.TotalSeconds:0.0} s after node-b was told to stop");
        Assert.Equal("succeeded", status);
        Assert.Single(cluster.Receiver.For(key), r => r.Body.Contains("\"first\"")); // finished before leaving: not delivered twice
        Assert.Single(cluster.Receiver.For(key).Where(r => r.Body.Contains("\"second\"")).Select(r => r.IdempotencyKey).Distinct());
    }

    /// <summary>A run of test-handover started on <paramref name="node"/>, once its first webhook is in flight (held by the receiver).</summary>
    private async Task<(string Key, Guid Incident, Guid Run, WebhookReceiver.Hold Held)> MidStepAsync(ServiceProcess node, string what)
    {
        var key = $"{what}-{Guid.NewGuid():N}";
        var held = cluster.Receiver.HoldFirst($"\"{key}\"");
        var incident = (await ClusterFixture.ApiAsync(node, HttpMethod.Post, "/api/incidents", new { title = $"{what} {key}", severity = "high" }))
            .GetProperty("id").GetGuid();
        var run = (await ClusterFixture.ApiAsync(node, HttpMethod.Post, $"/api/incidents/{incident}/runs", new { playbook = "test-handover", inputs = new { key } }))
            .GetProperty("runId").GetGuid();
        await held.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return (key, incident, run, held);
    }
}
