using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Incidents.Commanders;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Telemetry;
using JasperFx;
using Marten;
using Wolverine.Marten;

namespace IncidentOrchestrator.Signals;

/// <summary>
/// Accepts signals in one transaction per call: each joins the open incident of its fingerprint,
/// or opens a new one and starts every playbook whose trigger matches. Race-free across requests
/// and nodes through per-fingerprint advisory locks; a batch costs a handful of round trips, not one
/// transaction per signal. Runs are started through the transactional outbox, so an accepted signal
/// never loses its runs.
/// </summary>
public sealed class SignalIntake(IDocumentStore store, IServiceScopeFactory scopes, PlaybookCatalog catalog, PinnedPlaybooks pinned, CommanderOnDuty commanders,
    IncidentMetrics metrics, TimeProvider clock, ILogger<SignalIntake> logger)
{
    private const int MaxAttempts = 5;

    public async Task<IReadOnlyList<SignalAccepted>> IngestAsync(IReadOnlyList<SubmitSignal> signals, Caller caller, CancellationToken ct) =>
        (await IngestOnceAsync(signals, null, caller, ct)).Select(d => d.Accepted).ToList();

    /// <summary>
    /// Ingests signals of which some carry a receipt key (an outside event's source and id): a key seen before is not
    /// ingested again and gets the answer its first delivery got, marked as a duplicate.
    /// </summary>
    public async Task<IReadOnlyList<IngestedSignal>> IngestOnceAsync(IReadOnlyList<SubmitSignal> signals, IReadOnlyList<string?>? receipts,
        Caller caller, CancellationToken ct)
    {
        using var activity = IncidentTelemetry.Source.StartActivity("signals.ingest");
        activity?.SetTag("signals.count", signals.Count);

        var decided = await RetryOnConflictAsync(() => TryIngestAsync(signals, receipts, caller, ct), "Signal intake", ct);
        var opened = decided.Count(d => !d.Duplicate && !d.Accepted.Correlated);
        metrics.SignalsIngested(decided.Count(d => !d.Duplicate), opened);
        activity?.SetTag("incidents.opened", opened);
        return decided;
    }

    /// <summary>Another writer appended to one of these incidents (a run, a status change): decide again, a few times.</summary>
    private async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> attempt, string what, CancellationToken ct)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await attempt();
            }
            catch (ConcurrencyException e) when (tries < MaxAttempts)
            {
                logger.LogDebug(e, "{What} attempt {Attempt} met a concurrent change; retrying", what, tries);
                await Task.Delay(TimeSpan.FromMilliseconds(10 * tries * tries), ct);
            }
        }
    }

    private async Task<IReadOnlyList<IngestedSignal>> TryIngestAsync(IReadOnlyList<SubmitSignal> signals, IReadOnlyList<string?>? receipts,
        Caller caller, CancellationToken ct)
    {
        using var scope = scopes.CreateScope(); // a fresh outbox per attempt: a failed attempt sends nothing
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        await session.BeginTransactionAsync(ct);
        var accepted = await DecideAsync(signals, receipts, caller, session, session.Connection!, message => outbox.PublishAsync(message), ct);
        await session.SaveChangesAsync(ct);
        return accepted;
    }

    /// <summary>
    /// Pays the first-call costs of intake before the service says it is ready: one signal goes the whole way
    /// (locks, lookups, the incident's stream, its projections, the chain's trigger) in a transaction that is
    /// then rolled back, with nothing published.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(transaction, shouldAutoCommit: false));
        var signal = new SubmitSignal("warm-up", $"warm-up.{Guid.NewGuid():N}", Severity.Low, $"warm-up:{Guid.NewGuid():N}", "warm-up", null, []);
        await DecideAsync([signal], null, new Caller("warm-up", "warm-up", new HashSet<string>()), session, connection, _ => ValueTask.CompletedTask, ct);
        await session.SaveChangesAsync(ct);
        await transaction.RollbackAsync(ct);
    }

    /// <param name="connection">The session's connection, in its transaction: the fingerprint locks are taken there.</param>
    /// <param name="receipts">Per signal, its receipt key or null; the fingerprint lock also serialises retries of one outside event.</param>
    private async Task<IReadOnlyList<IngestedSignal>> DecideAsync(IReadOnlyList<SubmitSignal> signals, IReadOnlyList<string?>? receipts, Caller caller,
        IDocumentSession session, Npgsql.NpgsqlConnection connection, Func<object, ValueTask> publish, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var fingerprints = signals.Select(s => s.Fingerprint!).Distinct(StringComparer.Ordinal).ToArray();
        await FingerprintLocks.AcquireAsync(connection, fingerprints, ct);
        var open = (await session.LoadManyAsync<OpenFingerprint>(ct, fingerprints))
            .ToDictionary(f => f.Id, f => f.IncidentId, StringComparer.Ordinal);
        var keys = receipts?.OfType<string>().Distinct(StringComparer.Ordinal).ToArray() ?? [];
        var seen = keys.Length == 0 ? new Dictionary<string, SignalReceipt>(StringComparer.Ordinal)
            : (await session.LoadManyAsync<SignalReceipt>(ct, keys)).ToDictionary(r => r.Id, StringComparer.Ordinal);

        var decided = new List<IngestedSignal>(signals.Count);
        var joined = new List<SignalReceived>();
        for (var index = 0; index < signals.Count; index++)
        {
            var signal = signals[index];
            var receiptKey = receipts?[index];
            if (receiptKey is not null && seen.TryGetValue(receiptKey, out var receipt))
            {
                decided.Add(new IngestedSignal(receipt.Accepted(), Duplicate: true));
                continue;
            }
            var accepted = await DecideOneAsync(signal);
            decided.Add(new IngestedSignal(accepted, Duplicate: false));
            if (receiptKey is not null)
            {
                seen[receiptKey] = receipt = new SignalReceipt
                {
                    Id = receiptKey, SignalId = accepted.SignalId, IncidentId = accepted.IncidentId, Correlated = accepted.Correlated,
                    Runs = [.. accepted.Runs], ReceivedAt = now,
                };
                session.Insert(receipt);
            }
        }

        if (joined.Count > 0) await WakeWaitingRunsAsync(joined, session, publish, ct);
        return decided;

        async Task<SignalAccepted> DecideOneAsync(SubmitSignal signal)
        {
            var signalId = Guid.CreateVersion7();
            var observedAt = signal.ObservedAt ?? now;
            var title = string.IsNullOrWhiteSpace(signal.Title) ? $"{signal.Type} on {signal.Fingerprint}" : signal.Title.Trim();
            var correlated = open.TryGetValue(signal.Fingerprint!, out var incidentId);
            if (!correlated) incidentId = Guid.CreateVersion7();

            var received = new SignalReceived(signalId, incidentId, signal.Source!, signal.Type!, signal.Severity!.Value,
                signal.Fingerprint!, title, observedAt, signal.Attributes ?? [], correlated, caller.Subject, now);
            if (correlated)
            {
                session.Events.Append(incidentId, received);
                joined.Add(received);
                return new SignalAccepted(signalId, incidentId, true, []);
            }

            var matches = Triggers.Match(catalog.Library, signal, observedAt);
            var (command, notify) = commanders.ForNewIncident(incidentId, title, now);
            session.Events.StartStream<Incident>(incidentId,
                new IncidentDetected(incidentId, title, signal.Severity.Value, matches.Any(m => m.Playbook.Restricted), signal.Fingerprint!,
                    signalId, signal.Source!, observedAt, caller.Subject, now),
                received, command);
            await publish(notify);
            open[signal.Fingerprint!] = incidentId;
            return new SignalAccepted(signalId, incidentId, false, await StartRunsAsync(matches, incidentId, signal, signalId, observedAt, session, publish, caller, now, pinned));
        }
    }

    /// <summary>
    /// Records what the monitoring says about fingerprints it sent (resolved, or acknowledged there) on the open incident
    /// of each, under the same fingerprint locks as intake; when every fingerprint of an incident has resolved, says so on
    /// its timeline. A fingerprint with no open incident is reported back with none and changes nothing.
    /// </summary>
    public async Task<IReadOnlyList<SignalStatusRecorded>> RecordStatusAsync(IReadOnlyList<SignalStatusChange> changes, Caller caller,
        CancellationToken ct) =>
        changes.Count == 0 ? [] : await RetryOnConflictAsync(() => TryRecordStatusAsync(changes, caller, ct), "Recording signal statuses", ct);

    private async Task<IReadOnlyList<SignalStatusRecorded>> TryRecordStatusAsync(IReadOnlyList<SignalStatusChange> changes, Caller caller,
        CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await FingerprintLocks.AcquireAsync(session.Connection!, changes.Select(c => c.Fingerprint), ct);
        var open = (await session.LoadManyAsync<OpenFingerprint>(ct, changes.Select(c => c.Fingerprint).Distinct(StringComparer.Ordinal).ToArray()))
            .ToDictionary(f => f.Id, f => f.IncidentId, StringComparer.Ordinal);
        var incidents = (await session.LoadManyAsync<Incident>(ct, open.Values.Distinct().ToArray())).ToDictionary(i => i.Id);
        var now = clock.GetUtcNow();
        var recorded = new List<SignalStatusRecorded>(changes.Count);
        foreach (var change in changes)
        {
            if (!open.TryGetValue(change.Fingerprint, out var incidentId) || !incidents.TryGetValue(incidentId, out var incident))
            {
                recorded.Add(new SignalStatusRecorded(change.Fingerprint, change.Status, null, false));
                continue;
            }
            if (change.Status == SignalStatuses.Acknowledged)
            {
                session.Events.Append(incidentId, new SignalAcknowledgedAtSource(incidentId, change.Fingerprint, change.Source, caller.Subject, now));
                recorded.Add(new SignalStatusRecorded(change.Fingerprint, change.Status, incidentId, false));
                continue;
            }
            var wasAllResolved = incident.Fingerprints.All(incident.ResolvedFingerprints.Contains);
            if (!incident.ResolvedFingerprints.Contains(change.Fingerprint))
            {
                session.Events.Append(incidentId, new SignalResolved(incidentId, change.Fingerprint, change.Source, change.ResolvedAt, caller.Subject, now));
                incident.ResolvedFingerprints.Add(change.Fingerprint);
            }
            var allResolved = incident.Fingerprints.All(incident.ResolvedFingerprints.Contains);
            if (allResolved && !wasAllResolved)
                session.Events.Append(incidentId, new IncidentSignalsAllResolved(incidentId, incident.Fingerprints.Count, caller.Subject, now));
            recorded.Add(new SignalStatusRecorded(change.Fingerprint, change.Status, incidentId, allResolved));
        }
        await session.SaveChangesAsync(ct);
        return recorded;
    }

    private static async Task<IReadOnlyList<StartedRun>> StartRunsAsync(IReadOnlyList<TriggerMatch> matches, Guid incidentId, SubmitSignal signal,
        Guid signalId, DateTimeOffset observedAt, IDocumentSession session, Func<object, ValueTask> publish, Caller caller, DateTimeOffset now,
        PinnedPlaybooks pinned)
    {
        var started = new List<StartedRun>();
        foreach (var (playbook, inputs) in matches)
        {
            if (!inputs.IsValid)
            {
                session.Events.Append(incidentId, new PlaybookRunNotStarted(incidentId, playbook.Name, inputs.Problems.ToDictionary(), signalId, now));
                continue;
            }
            var runId = Guid.CreateVersion7();
            await pinned.PinAsync(session, playbook, now, CancellationToken.None);
            session.Insert(PlaybookRun.Request(runId, incidentId, playbook, RunValues.Serialize(inputs.Values),
                Triggers.Facts(signal, observedAt), signalId, null, null, caller.Subject, now));
            await publish(new StartRun(runId));
            started.Add(new StartedRun(runId, playbook.Name));
        }
        return started;
    }

    /// <summary>Runs waiting for a signal of this type on these incidents hear about it in the same transaction.</summary>
    private static async Task WakeWaitingRunsAsync(List<SignalReceived> joined, IDocumentSession session, Func<object, ValueTask> publish, CancellationToken ct)
    {
        var incidents = joined.Select(j => j.IncidentId).Distinct().ToArray();
        var waits = await session.Query<SignalWait>().Where(w => w.IncidentId.IsOneOf(incidents)).ToListAsync(ct);
        foreach (var wait in waits)
            if (joined.FirstOrDefault(j => j.IncidentId == wait.IncidentId && j.Type == wait.SignalType) is { } signal)
                await publish(new SignalArrived(wait.RunId, wait.StepId, signal.SignalId, signal.Type));
    }
}

/// <summary>One signal of a call: the answer, and whether it was a retry of an outside event already taken.</summary>
public sealed record IngestedSignal(SignalAccepted Accepted, bool Duplicate);

public static class SignalStatuses
{
    public const string Resolved = "resolved";
    public const string Acknowledged = "acknowledged";
}
