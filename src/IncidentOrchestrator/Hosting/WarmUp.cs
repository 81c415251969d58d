using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Signals;
using IncidentOrchestrator.Tasks;
using Marten;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentOrchestrator.Hosting;

/// <summary>
/// Pays the first-call costs (document mappings, SQL and plans, JSON contracts, routing, token checks) before
/// readiness says ready, so that the first signal is as fast as the second. Nothing it does is kept: its
/// writes are rolled back, and its requests are refused or find nothing.
/// <list type="bullet">
/// <item>before the server listens: one signal through intake, and a write of each document the run and people
/// paths use, in a transaction that is rolled back;</item>
/// <item>once the server listens: a few requests to itself over loopback (a refused signal, a missing incident,
/// an empty search), while readiness answers "warming up".</item>
/// </list>
/// </summary>
public sealed class WarmUp(IServiceProvider services, IHostApplicationLifetime lifetime, IServer server, IConfiguration configuration,
    ILogger<WarmUp> logger) : IHostedService
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsDone => _done.Task.IsCompleted;

    public async Task StartAsync(CancellationToken ct)
    {
        if (GeneratingCode.IsRunning())
        {
            _done.TrySetResult();
            return;
        }
        if (server.Features.Get<IServerAddressesFeature>() is null) // an in-process test server: no socket to call; ready once the database is warm
        {
            await WarmDatabaseAsync(ct);
            _done.TrySetResult();
            return;
        }
        // Alongside the rest of the start (messaging, the server): readiness waits for it, the start does not.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        _ = Task.Run(async () =>
        {
            await WarmDatabaseAsync(lifetime.ApplicationStopping);
            await started.Task;
            await WarmRequestsAsync();
        });
    }

    private async Task WarmDatabaseAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await services.GetRequiredService<SignalIntake>().WarmUpAsync(ct);
            await WriteAndRollBackAsync(ct);
            WarmJsonContracts();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Warming up the database paths failed; the first requests will pay for it");
        }
        logger.LogDebug("Database paths warmed in {Ms} ms", clock.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>The JSON contracts of the hottest bodies, in the options the endpoints use (their caches are per options instance).</summary>
    private void WarmJsonContracts()
    {
        var json = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        JsonSerializer.Deserialize<SubmitSignal>(
            """{"source":"s","type":"t","severity":"high","fingerprint":"f","title":"t","observedAt":"2026-01-01T00:00:00Z","attributes":{"a":"b"}}""", json);
        JsonSerializer.Deserialize<SubmitSignal[]>("[]", json);
        var id = Guid.CreateVersion7();
        object[] bodies =
        [
            new SignalAccepted(id, id, false, []), new List<SignalAccepted>(),
            new Incidents.Listing.IncidentSummary(id, "", Severity.Low, IncidentStatus.Open, false, "", null, DateTimeOffset.UnixEpoch, null, null, 0),
        ];
        foreach (var body in bodies) JsonSerializer.Serialize(body, body.GetType(), json);
    }

    private async Task WriteAndRollBackAsync(CancellationToken ct)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(transaction, shouldAutoCommit: false));
        var id = Guid.CreateVersion7();
        await session.LoadAsync<PlaybookRun>(id, ct);
        await session.LoadAsync<ActionExecution>(id.ToString(), ct);
        await session.LoadAsync<PinnedPlaybook>(id.ToString(), ct);
        await session.Query<TaskItem>().Where(t => t.RunId == id).ToListAsync(ct);
        await session.Query<ApprovalItem>().Where(a => a.RunId == id).ToListAsync(ct);
        await session.Query<Incident>().Where(i => i.Id == id).ToListAsync(ct);
        session.Insert(new PlaybookRun { Id = id, IncidentId = id, Playbook = "warm-up" });
        session.Store(new ActionExecution { Id = id.ToString() });
        session.Store(new TaskItem { Id = id, WorkId = id, IncidentId = id });
        session.Store(new ApprovalItem { Id = id, IncidentId = id });
        await session.SaveChangesAsync(ct);
        await transaction.RollbackAsync(ct);
    }

    private async Task WarmRequestsAsync()
    {
        try
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is null) return;
            await WarmMessagingAsync();
            using var client = new HttpClient { BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1")) };
            await client.GetAsync("/health/live");
            var auth = AuthOptions.From(configuration);
            if (string.IsNullOrWhiteSpace(auth.Authority))
            {
                var token = new TokenIssuer(auth).Issue("warm-up", "warm-up", [Roles.Admin, Roles.Ingest], TimeSpan.FromMinutes(1));
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                await client.PostAsync("/api/signals", new StringContent("{}", Encoding.UTF8, "application/json")); // 400: nothing stored
                await client.GetAsync($"/api/incidents/{Guid.NewGuid()}"); // 404
                await client.GetAsync($"/api/incidents?q={Guid.NewGuid():N}&limit=1"); // an empty page
                await client.GetAsync("/api/tasks?mine=true&limit=1");
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Warming up the request paths failed; the first requests will pay for it");
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    /// <summary>
    /// Routes of the messages the hot paths send are worked out (without sending them), and one message that does
    /// nothing goes through the transactional outbox and the durable local queues, as every real one does.
    /// </summary>
    private async Task WarmMessagingAsync()
    {
        using var scope = services.CreateScope();
        var bus = scope.ServiceProvider.GetRequiredService<Wolverine.IMessageBus>();
        var id = Guid.CreateVersion7();
        object[] messages =
        [
            new Notifications.Notify(id, "warm-up", "warm-up", []), new StartRun(id), new SignalArrived(id, "", id, ""),
            new ActionAttemptEnded(id, "", 1, false, true, [], null, false), new HumanStepEnded(id, "", "", [], ""),
            new ExecuteAction(id, id, "", 1, false, "", [], null), new OpenTask(id, id, "", "", null, "", null, [], null, null),
            new OpenApproval(id, id, "", "", [], 1, null, ""), new RunWorkClosed(id),
        ];
        foreach (var message in messages) bus.PreviewSubscriptions(message);

        var outbox = scope.ServiceProvider.GetRequiredService<Wolverine.Marten.IMartenOutbox>();
        await using var session = services.GetRequiredService<IDocumentStore>().LightweightSession();
        outbox.Enroll(session);
        await outbox.PublishAsync(new WarmUpPing());
        await session.SaveChangesAsync();
    }

    /// <summary>Readiness is Unhealthy ("warming up") until the warm-up is over, so nobody waits behind it.</summary>
    public sealed class Check(WarmUp warmUp) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
            Task.FromResult(warmUp.IsDone ? HealthCheckResult.Healthy("warmed up") : HealthCheckResult.Unhealthy("warming up"));
    }
}

/// <summary>A message that does nothing: it takes the path every durable message takes, once, before the first real one.</summary>
public sealed record WarmUpPing;

public static class WarmUpPingHandler
{
    public static void Handle(WarmUpPing ping)
    {
    }
}
