using System.Diagnostics;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Telemetry;
using JasperFx;
using Marten;

namespace IncidentOrchestrator.Signals;

/// <summary>
/// Accepts signals in one transaction per call: each joins the open incident of its fingerprint,
/// or opens a new one. Race-free across requests and nodes through per-fingerprint advisory locks;
/// a batch costs a handful of round trips, not one transaction per signal.
/// </summary>
public sealed class SignalIntake(IDocumentStore store, IncidentMetrics metrics, TimeProvider clock, ILogger<SignalIntake> logger)
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
                // Another writer appended to one of these incidents (a status change, say); decide again.
                logger.LogDebug(e, "Signal intake attempt {Attempt} met a concurrent change; retrying", attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * attempt), ct);
            }
        }
    }

    private async Task<IReadOnlyList<SignalAccepted>> TryIngestAsync(IReadOnlyList<SubmitSignal> signals, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);

        var fingerprints = signals.Select(s => s.Fingerprint!).Distinct(StringComparer.Ordinal).ToArray();
        await FingerprintLocks.AcquireAsync(session.Connection!, fingerprints, ct);
        var open = (await session.LoadManyAsync<OpenFingerprint>(ct, fingerprints))
            .ToDictionary(f => f.Id, f => f.IncidentId, StringComparer.Ordinal);

        var accepted = new List<SignalAccepted>(signals.Count);
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
            }
            else
            {
                session.Events.StartStream<Incident>(incidentId,
                    new IncidentDetected(incidentId, title, signal.Severity.Value, signal.Fingerprint!, signalId,
                        signal.Source!, observedAt, caller.Subject, now),
                    received);
                open[signal.Fingerprint!] = incidentId;
            }

            accepted.Add(new SignalAccepted(signalId, incidentId, correlated, []));
        }

        await session.SaveChangesAsync(ct);
        return accepted;
    }
}
