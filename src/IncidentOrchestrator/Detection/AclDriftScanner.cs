using IncidentOrchestrator.Access;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Signals;
using Marten;
using Npgsql;

namespace IncidentOrchestrator.Detection;

/// <summary>A role holding privileges on a dataset that neither the access policy nor an approved request's live grant allows it.</summary>
public sealed record AclDrift(string Connection, string Dataset, string Grantee, IReadOnlyList<string> Privileges, string? Programme)
{
    /// <summary>Deterministic, so repeated detections of the same drift join the same open incident.</summary>
    public string Fingerprint => $"{Connection}:{Dataset}:{Grantee}";
}

/// <summary>
/// Compares the real grants of configured connections with who may read what (<see cref="ScannedAccess"/>) and sends a
/// <c>dataset.acl_drift</c> signal for each drift that has no incident under way yet. What is reported lives in the
/// database (the open incident of the drift's fingerprint), not in a node's memory, so several nodes, or a restarted
/// one, report a drift once; and one node scans at a time (a PostgreSQL advisory lock), the others skip that round.
/// </summary>
public sealed class AclDriftScanner(ScannedAccess access, NamedConnections connections, SignalIntake intake, IDocumentStore store,
    TimeProvider clock, ILogger<AclDriftScanner> logger)
{
    public static readonly Caller Scanner = new("acl-drift-scanner", "ACL drift scanner", new HashSet<string> { Roles.Ingest });
    private const long ScanLock = 7301_0002;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public bool Enabled => access.HasAnythingToCheck;

    public async Task<IReadOnlyList<AclDrift>> ScanAsync(CancellationToken ct)
    {
        if (access.Policy() is not { } policy) return [];
        await _gate.WaitAsync(ct);
        try
        {
            // Held for the whole scan, released with the transaction: another node that tries meanwhile skips its round.
            await using var held = store.Storage.Database.CreateConnection();
            await held.OpenAsync(ct);
            await using var transaction = await held.BeginTransactionAsync(ct);
            await using (var tryLock = new NpgsqlCommand($"select pg_try_advisory_xact_lock({ScanLock})", held, transaction))
                if (await tryLock.ExecuteScalarAsync(ct) is not true)
                {
                    logger.LogDebug("Another node is scanning for ACL drift; skipping this round");
                    return [];
                }

            var drifts = await FindAsync(policy, ct);
            await RecordGoneAsync(policy, ct);

            // A drift whose incident is still under way was reported; one fixed and reintroduced, or still there after its
            // incident ended, is reported again.
            await using var session = store.QuerySession();
            var underWay = drifts.Count == 0 ? [] : (await session.LoadManyAsync<OpenFingerprint>(ct, drifts.Select(d => d.Fingerprint).Distinct()))
                .Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            var fresh = drifts.Where(d => !underWay.Contains(d.Fingerprint)).ToList();
            if (fresh.Count > 0) await intake.IngestAsync(fresh.Select(ToSignal).ToList(), Scanner, ct);
            if (fresh.Count > 0) logger.LogWarning("ACL drift: {Drifts}", string.Join("; ", fresh.Select(d => d.Fingerprint)));
            await transaction.CommitAsync(ct);
            return drifts;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The drifts there are now, reported to nobody: grants on the policy's tables that neither its allowed roles hold by
    /// standing nor an approved request granted until its end (an expired grant still present, or one whose run ended
    /// without taking it back, is drift).
    /// </summary>
    public async Task<List<AclDrift>> FindAsync(AccessPolicy policy, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var granted = await LiveGrants.ListAsync(session, clock.GetUtcNow(), ct);
        var drifts = new List<AclDrift>();
        foreach (var (connection, datasets) in policy.Connections)
            drifts.AddRange(await ScanConnectionAsync(connection, datasets, granted, ct));
        return drifts;
    }

    /// <summary>
    /// Records, on each request whose grant stands by its stream but is gone from its table's access list before its end (revoked by
    /// hand, outside the product), that the scanner found it gone: the request ends then. Returns those requests.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> RecordGoneAsync(AccessPolicy policy, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var read = store.QuerySession();
        var granted = (await LiveGrants.ListAsync(read, now, ct)).Where(r => r.Status == AccessStatuses.Granted && r.EndsAt > now).ToList();
        var gone = new List<AccessRequest>();
        foreach (var (connection, datasets) in policy.Connections)
        {
            var here = granted.Where(r => r.Connection == connection && r.Table is { } t && datasets.ContainsKey(t)).ToList();
            if (here.Count == 0) continue;
            await using var db = await connections.Get(connection).OpenConnectionAsync(ct);
            foreach (var table in here.GroupBy(r => r.Table!))
            {
                if (await Catalog.FindTableAsync(db, table.Key, ct) is not { } quoted) continue;
                var holders = (await Catalog.GrantsAsync(db, quoted, ct)).Where(g => LiveGrants.Granted.All(g.Privileges.Contains)).Select(g => g.Grantee).ToHashSet(StringComparer.Ordinal);
                gone.AddRange(table.Where(r => !holders.Contains(r.Grantee)));
            }
        }
        if (gone.Count == 0) return [];
        await using var write = store.LightweightSession();
        foreach (var request in gone) write.Events.Append(request.Id, new AccessFoundRevoked(request.Id, request.Dataset, request.Grantee, request.Table!, now));
        await write.SaveChangesAsync(ct);
        logger.LogWarning("Access granted by request and revoked outside the product: {Requests}", string.Join("; ", gone.Select(r => r.Id)));
        return gone.Select(r => r.Id).ToList();
    }

    private async Task<List<AclDrift>> ScanConnectionAsync(string connection, Dictionary<string, DatasetPolicy> datasets,
        IReadOnlyList<AccessRequest> granted, CancellationToken ct)
    {
        var drifts = new List<AclDrift>();
        await using var db = await connections.Get(connection).OpenConnectionAsync(ct);
        foreach (var (dataset, policy) in datasets)
            if (await Catalog.FindTableAsync(db, dataset, ct) is { } table)
                drifts.AddRange((await Catalog.GrantsAsync(db, table, ct))
                    .Where(g => !policy.Allowed.Contains(g.Grantee, StringComparer.Ordinal) && granted.Covering(connection, dataset, g.Grantee, g.Privileges) is null)
                    .Select(g => new AclDrift(connection, dataset, g.Grantee, [.. g.Privileges], policy.Programme)));
        return drifts;
    }

    private SubmitSignal ToSignal(AclDrift drift)
    {
        var attributes = new Dictionary<string, System.Text.Json.JsonElement>
        {
            ["dataset"] = System.Text.Json.JsonSerializer.SerializeToElement(drift.Dataset),
            ["grantee"] = System.Text.Json.JsonSerializer.SerializeToElement(drift.Grantee),
            ["warehouse"] = System.Text.Json.JsonSerializer.SerializeToElement(drift.Connection),
            ["privileges"] = System.Text.Json.JsonSerializer.SerializeToElement(drift.Privileges),
        };
        if (drift.Programme is { } programme) attributes["programme"] = System.Text.Json.JsonSerializer.SerializeToElement(programme);
        return new SubmitSignal("acl-drift-scanner", "dataset.acl_drift", Severity.High, drift.Fingerprint,
            $"{drift.Dataset} readable by {drift.Grantee}", clock.GetUtcNow(), attributes);
    }
}

/// <summary>Scans on the configured interval, when there is one.</summary>
public sealed class AclDriftScanning(AclDriftScanner scanner, DetectionOptions options, ILogger<AclDriftScanning> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.IntervalSeconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.IntervalSeconds));
        do
        {
            try
            {
                // Asked on every tick: a catalogue that gains a checkable dataset after start is scanned from then on.
                if (scanner.Enabled) await scanner.ScanAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "ACL drift scan failed; trying again in {Seconds} s", options.IntervalSeconds);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
