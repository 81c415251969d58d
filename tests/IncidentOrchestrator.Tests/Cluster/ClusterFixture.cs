using System.Text.Json;
using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// Two nodes of the real service, as processes on their own ports, on one database, with recovery settings short
/// enough that a killed node's work moves to the other in seconds; a webhook receiver counts what they deliver.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly string Token = Tokens.For("cora.commander", Roles.Commander, Roles.Admin);
    private readonly Dictionary<string, string> _environment = [];

    public WebhookReceiver Receiver { get; private set; } = null!;
    public Warehouse Warehouse { get; private set; } = null!;
    public ServiceProcess A { get; private set; } = null!;
    public ServiceProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        var playbooks = Directory.CreateTempSubdirectory("cluster-playbooks-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Cluster", "Playbooks", "test-handover.yaml"), Path.Combine(playbooks, "test-handover.yaml"));
        _environment["ConnectionStrings__Incidents"] = await TestDatabase.CreateDatabaseAsync("cluster");
        // Detection on demand only (POST /api/detection/scan): both nodes read the same policy and warehouse.
        Warehouse = await Warehouse.CreateAsync();
        var policy = Path.Combine(playbooks, "..", Path.GetFileName(playbooks) + "-access-policy.yaml");
        await File.WriteAllTextAsync(policy, "connections:\n  warehouse:\n    hr.payroll:\n      allowed: [hr_analysts]\n");
        _environment["Connections__warehouse"] = Warehouse.ConnectionString;
        _environment["Detection__AccessPolicy"] = policy;
        _environment["Auth__SigningKey"] = Tokens.SigningKey;
        _environment["Playbooks__Path"] = playbooks;
        _environment["Webhooks__Endpoints__receiver__Url"] = Receiver.Url;
        _environment["Webhooks__Endpoints__receiver__Secret"] = WebhookReceiver.Secret;
        _environment["Webhooks__Endpoints__receiver__TimeoutSeconds"] = "60";
        _environment["Cluster__HeartbeatSeconds"] = "1";
        _environment["Cluster__StaleNodeSeconds"] = "3";
        _environment["Cluster__RecoverySweepSeconds"] = "0.5";
        _environment["Incidents__CommanderRotation"] = "commanders";
        _environment["OnCall__commanders__Members__0"] = "cora.commander";
        _environment["Logging__LogLevel__Default"] = "Warning";
        _environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        // One node first, so the schema is created once; then the second joins.
        A = StartNode("node-a");
        await A.WaitReadyAsync(TimeSpan.FromSeconds(60));
        B = StartNode("node-b");
        await B.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    public ServiceProcess StartNode(string name) =>
        ServiceProcess.Start(name, AppContext.BaseDirectory, LocalPostgresCluster.FreePort(), _environment);

    /// <summary>Both nodes up again (a scenario may have killed or stopped one): a restarted node is a new member with a new port.</summary>
    public async Task BothRunningAsync()
    {
        if (A.HasExited)
        {
            await A.DisposeAsync();
            A = StartNode("node-a");
            await A.WaitReadyAsync(TimeSpan.FromSeconds(60));
        }
        if (B.HasExited)
        {
            await B.DisposeAsync();
            B = StartNode("node-b");
            await B.WaitReadyAsync(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>Waits for a run to end, asking <paramref name="node"/>; its status.</summary>
    public static async Task<string> RunEndedAsync(ServiceProcess node, Guid incident, Guid run, TimeSpan within)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var status = (await ApiAsync(node, HttpMethod.Get, $"/api/incidents/{incident}/runs/{run}")).GetProperty("status").GetString()!;
            if (status is "succeeded" or "failed" or "compensated" or "cancelled") return status;
            if (clock.Elapsed > within) throw new TimeoutException($"The run did not end within {within.TotalSeconds:0} s (status {status}).\n{node.Log}");
            await Task.Delay(200);
        }
    }

    public static Task<JsonElement> ApiAsync(ServiceProcess node, HttpMethod method, string path, object? body = null) =>
        ServiceApi.SendAsync(node.Url, method, path, Token, body);

    public async Task DisposeAsync()
    {
        var running = new[] { A, B }.FirstOrDefault(n => n is { HasExited: false });
        IReadOnlyList<string> differences = running is null ? ["both nodes had exited before their runs could be replayed"]
            : await RecordedRunsReplay.OrWhyNotAsync(() => ReplayOverTheApi.DifferencesAsync(running.Url, Token));
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Receiver.DisposeAsync();
        RecordedRunsReplay.ThrowIfAny(differences);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "several nodes";
}
