using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime;

namespace IncidentOrchestrator.Hosting;

/// <summary>
/// Several nodes on one PostgreSQL (section <c>Cluster</c>). Every node runs the same code and takes any work: runs
/// are turned by whichever node holds their message, the run document's revision keeps two nodes from both moving
/// one run, and a dead node's work is released to the others once it is found stale.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>The node's name in logs, telemetry and readiness (default: the host name and process id).</summary>
    public string? NodeName { get; set; }

    /// <summary>How often a node says it is alive.</summary>
    public double HeartbeatSeconds { get; set; } = 3;

    /// <summary>
    /// A node silent this long is stale; after two more heartbeats of the leader it is ejected and its work goes to the
    /// others. Shorter recovers faster; too short ejects a node that only paused (a long GC), and its in-flight step
    /// then runs twice (effects stay once: idempotency keys).
    /// </summary>
    public double StaleNodeSeconds { get; set; } = 15;

    /// <summary>How often released work (of ejected nodes) is looked for and picked up.</summary>
    public double RecoverySweepSeconds { get; set; } = 1;

    /// <summary>On SIGTERM: stop taking work, finish or hand back what is in flight, leave the cluster, within this time.</summary>
    public double ShutdownGraceSeconds { get; set; } = 30;

    /// <summary>Create or update the database schema at start (one node at a time is safe); false where a deploy step runs <c>resources setup</c>.</summary>
    public bool ApplySchemaOnStart { get; set; } = true;

    public string Node => string.IsNullOrWhiteSpace(NodeName) ? $"{Environment.MachineName}-{Environment.ProcessId}" : NodeName;

    public static ClusterOptions From(IConfiguration configuration) => configuration.GetSection("Cluster").Get<ClusterOptions>() ?? new ClusterOptions();
}

public static class Cluster
{
    public static WolverineOptions ConfigureCluster(this WolverineOptions opts, ClusterOptions cluster)
    {
        // Balanced is the multi-node mode; Solo would release every node's in-flight work when any node starts.
        opts.Durability.Mode = DurabilityMode.Balanced;
        opts.Durability.HealthCheckPollingTime = TimeSpan.FromSeconds(cluster.HeartbeatSeconds);
        opts.Durability.StaleNodeTimeout = TimeSpan.FromSeconds(cluster.StaleNodeSeconds);
        opts.Durability.OrphanedMessageSweepPollingTime = TimeSpan.FromSeconds(cluster.RecoverySweepSeconds);
        opts.Durability.NodeReassignmentPollingTime = TimeSpan.FromSeconds(cluster.HeartbeatSeconds);
        opts.Durability.DrainTimeout = TimeSpan.FromSeconds(Math.Max(1, cluster.ShutdownGraceSeconds - 2));
        opts.Durability.DurabilityMetricsEnabled = true; // inbox, outbox and scheduled backlog as gauges

        // A database that restarts (or fails over) refuses connections for seconds, and a transaction it cut is left disposed:
        // a message that meets either is tried again for about two minutes rather than dead-lettered after three quick
        // attempts, which would leave its run waiting forever (ops/chaos found one such run).
        opts.OnException<NpgsqlException>(e => e.IsTransient)
            .Or<Marten.Exceptions.MartenCommandException>(e => e.InnerException is NpgsqlException { IsTransient: true })
            .Or<ObjectDisposedException>(DisposedByARestart)
            .RetryWithCooldown(TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1))
            .Then.ScheduleRetry(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20),
                TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        return opts;
    }

    /// <summary>
    /// A connection or transaction of Npgsql that a restart disposed under a message. Npgsql names the object either as the
    /// exception's object name or as its whole message (ops/chaos dead-lettered one whose message was "NpgsqlTransaction").
    /// </summary>
    public static bool DisposedByARestart(ObjectDisposedException e) =>
        e.ObjectName?.StartsWith("Npgsql", StringComparison.Ordinal) == true || e.Message.StartsWith("Npgsql", StringComparison.Ordinal);

    /// <summary>
    /// Connections that notice a database restart (keepalives) and come back after it. The statements the service repeats
    /// (appends, document upserts, inbox rows) are prepared once per connection instead of parsed and planned on every call,
    /// and a turn's batch goes out in one write rather than several.
    /// </summary>
    public static string Resilient(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 30, TcpKeepAlive = true, NoResetOnClose = true };
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 100; // a connection string that says otherwise wins
        if (builder.WriteBufferSize == 8192) builder.WriteBufferSize = 32 * 1024;
        return builder.ConnectionString;
    }
}

/// <summary>
/// The work waiting in the database, sampled every few seconds for the <c>incidents.inbox.backlog</c> and
/// <c>incidents.scheduled.backlog</c> gauges: a backlog that only grows means nodes are missing or stuck.
/// </summary>
public sealed class Backlog(IDocumentStore store, ILogger<Backlog> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    public long Inbox { get; private set; }
    public long Scheduled { get; private set; }

    private static async Task<(long Inbox, long Scheduled)> CountAsync(IQuerySession session, CancellationToken ct)
    {
        async Task<long> Count(string status) => (await session.QueryAsync<long>(
            $"select count(*) from {IncidentOrchestratorHost.SchemaName}.wolverine_incoming_envelopes where status = ?", ct, status)).Single();
        return (await Count("Incoming"), await Count("Scheduled"));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                await using var session = store.QuerySession();
                (Inbox, Scheduled) = await CountAsync(session, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "The backlog could not be sampled");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>Readiness: this node has joined the cluster (its heartbeat row is fresh), and how much work waits (as last sampled).</summary>
public sealed class ClusterMembership(IWolverineRuntime runtime, IDocumentStore store, ClusterOptions cluster, Backlog backlog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var (inbox, scheduled) = (backlog.Inbox, backlog.Scheduled);
        var data = new Dictionary<string, object>
        {
            ["node"] = cluster.Node, ["nodeId"] = runtime.Options.UniqueNodeId, ["inbox"] = inbox, ["scheduled"] = scheduled,
        };
        var waiting = $"{inbox} message(s) in the inbox, {scheduled} scheduled.";
        if (runtime.Options.Durability.Mode == DurabilityMode.Solo) return HealthCheckResult.Healthy($"Node {cluster.Node} runs alone (solo); {waiting}", data);

        await using var session = store.QuerySession();
        var heartbeat = (await session.QueryAsync<DateTimeOffset>(
            $"select health_check from {IncidentOrchestratorHost.SchemaName}.wolverine_nodes where id = ?", ct, runtime.Options.UniqueNodeId)).FirstOrDefault();
        if (heartbeat == default) return HealthCheckResult.Degraded($"Node {cluster.Node} has not joined the cluster yet.", data: data);
        var age = DateTimeOffset.UtcNow - heartbeat;
        return age > TimeSpan.FromSeconds(cluster.StaleNodeSeconds)
            ? HealthCheckResult.Degraded($"Node {cluster.Node}'s last heartbeat is {age.TotalSeconds:0} s old: the others may take its work.", data: data)
            : HealthCheckResult.Healthy($"Node {cluster.Node} is in the cluster; {waiting}", data);
    }
}
