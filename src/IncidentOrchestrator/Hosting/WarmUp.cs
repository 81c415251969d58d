using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
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
        if (!GeneratingCode.IsRunning()) await WarmDatabaseAsync(ct);
        if (GeneratingCode.IsRunning() || server.Features.Get<IServerAddressesFeature>() is null) // in-process test servers have no socket
            _done.TrySetResult();
        else
            lifetime.ApplicationStarted.Register(() => _ = Task.Run(WarmRequestsAsync));
    }

    private async Task WarmDatabaseAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await services.GetRequiredService<SignalIntake>().WarmUpAsync(ct);
            await WriteAndRollBackAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Warming up the database paths failed; the first requests will pay for it");
        }
        logger.LogDebug("Database paths warmed in {Ms} ms", clock.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

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
            using var client = new HttpClient { BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1")) };
            await client.GetAsync("/health/live");
            var auth = configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
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

    /// <summary>Readiness is Unhealthy ("warming up") until the warm-up is over, so nobody waits behind it.</summary>
    public sealed class Check(WarmUp warmUp) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
            Task.FromResult(warmUp.IsDone ? HealthCheckResult.Healthy("warmed up") : HealthCheckResult.Unhealthy("warming up"));
    }
}
