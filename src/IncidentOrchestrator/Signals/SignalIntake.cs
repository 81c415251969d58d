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
public sealed class SignalIntake(IDocumentStore store, IServiceScopeFactory scopes, PlaybookCatalog catalog, CommanderOnDuty commanders,
    IncidentMetrics metrics, TimeProvider clock, ILogger<SignalIntake> logger)
{
    private const int MaxAttempts = 5;

    public async Task<IReadOnlyList<SignalAccepted>> IngestAsync(IReadOnlyList<SubmitSignal> signals, Caller caller, CancellationToken ct)
    {
        using var activity = IncidentTelemetry.Source.StartActivity("signals.ingest");
        activity?.SetTag("signals.count", signals.Count);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var accepted = await TryIngestAsync(signals, caller, ct);
                var opened = accepted.Count(a => !a.Correlated);
                metrics.SignalsIngested(signals.Count, opened);
                activity?.SetTag("incidents.opened", opened);
                return accepted;
            }
            catch (ConcurrencyException e) when (attempt < MaxAttempts)
            {
                // Another writer appended to one of these incidents (a run, a status change); decide again.
                logger.LogDebug(e, "Signal intake attempt {Attempt} met a concurrent change; retrying", attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * attempt), ct);
            }
        }
    }

    private async Task<IReadOnlyList<SignalAccepted>> TryIngestAsync(IReadOnlyList<SubmitSignal> signals, Caller caller, CancellationToken ct)
    {
        using var scope = scopes.CreateScope(); // a fresh outbox per attempt: a failed attempt sends nothing
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        await session.BeginTransactionAsync(ct);
        var accepted = await DecideAsync(signals, caller, session, session.Connection!, message => outbox.PublishAsync(message), ct);
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
        await DecideAsync([signal], new Caller("warm-up", "warm-up", new HashSet<string>()), session, connection, _ => ValueTask.CompletedTask, ct);
        await session.SaveChangesAsync(ct);
        await transaction.RollbackAsync(ct);
    }

    /// <param name="connection">The session's connection, in its transaction: the fingerprint locks are taken there.</param>
    private async Task<IReadOnlyList<SignalAccepted>> DecideAsync(IReadOnlyList<SubmitSignal> signals, Caller caller, IDocumentSession session,
        Npgsql.NpgsqlConnection connection, Func<object, ValueTask> publish, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var fingerprints = signals.Select(s => s.Fingerprint!).Distinct(StringComparer.Ordinal).ToArray();
        await FingerprintLocks.AcquireAsync(connection, fingerprints, ct);
        var open = (await session.LoadManyAsync<OpenFingerprint>(ct, fingerprints))
            .ToDictionary(f => f.Id, f => f.IncidentId, StringComparer.Ordinal);

        var accepted = new List<SignalAccepted>(signals.Count);
        var joined = new List<SignalReceived>();
        foreach (var signal in signals)
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
                accepted.Add(new SignalAccepted(signalId, incidentId, true, []));
                continue;
            }

            var matches = Triggers.Match(catalog.Library, signal, observedAt);
            var (command, notify) = commanders.ForNewIncident(incidentId, title, now);
            session.Events.StartStream<Incident>(incidentId,
                new IncidentDetected(incidentId, title, signal.Severity.Value, matches.Any(m => m.Playbook.Restricted), signal.Fingerprint!,
                    signalId, signal.Source!, observedAt, caller.Subject, now),
                received, command);
            await publish(notify);
            open[signal.Fingerprint!] = incidentId;
            accepted.Add(new SignalAccepted(signalId, incidentId, false, await StartRunsAsync(matches, incidentId, signal, signalId, observedAt, session, publish, caller, now)));
        }

        if (joined.Count > 0) await WakeWaitingRunsAsync(joined, session, publish, ct);
        return accepted;
    }

    private static async Task<IReadOnlyList<Guid>> StartRunsAsync(IReadOnlyList<TriggerMatch> matches, Guid incidentId, SubmitSignal signal,
        Guid signalId, DateTimeOffset observedAt, IDocumentSession session, Func<object, ValueTask> publish, Caller caller, DateTimeOffset now)
    {
        var runIds = new List<Guid>();
        foreach (var (playbook, inputs) in matches)
        {
            if (!inputs.IsValid)
            {
                session.Events.Append(incidentId, new PlaybookRunNotStarted(incidentId, playbook.Name, inputs.Problems.ToDictionary(), signalId, now));
                continue;
            }
            var runId = Guid.CreateVersion7();
            session.Store(PinnedPlaybook.Of(playbook, now));
            session.Insert(PlaybookRun.Request(runId, incidentId, playbook, RunValues.Serialize(inputs.Values),
                Triggers.Facts(signal, observedAt), signalId, null, null, caller.Subject, now));
            await publish(new StartRun(runId));
            runIds.Add(runId);
        }
        return runIds;
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
