using IncidentOrchestrator.Hosting;
using JasperFx;
using Marten;
using Wolverine;
using Wolverine.Marten;

namespace IncidentOrchestrator.Incidents;

/// <summary>What a person's command does to an incident: a refusal, or the events to append and the messages to send after.</summary>
public sealed record IncidentDecision(Refusal? Refusal, IReadOnlyList<object> Events, IReadOnlyList<object> Messages)
{
    /// <summary>Messages to deliver later (timers), durably, with the events.</summary>
    public IReadOnlyList<(object Message, DateTimeOffset At)> Scheduled { get; init; } = [];

    public static IncidentDecision Refuse(Refusal refusal) => new(refusal, [], []);
    public static IncidentDecision Append(params object[] events) => new(null, events, []);
    public static readonly IncidentDecision Nothing = new(null, [], []);
}

/// <summary>
/// Runs a person's command against the incident as it is now. Runs append to the same stream all the time,
/// so a command whose incident moved on between reading and writing is decided again on the newer state
/// (a few times), rather than answered 409: the person asked for something that still makes sense.
/// Messages go through the transactional outbox, with the events.
/// </summary>
public sealed class IncidentCommands(IDocumentStore store, IServiceScopeFactory scopes, ILogger<IncidentCommands> logger)
{
    private const int MaxAttempts = 5;

    public async Task<Outcome> DecideAsync(Guid id, Func<Incident, IncidentDecision> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var scope = scopes.CreateScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
            await using var session = store.LightweightSession();
            outbox.Enroll(session);
            var stream = await session.Events.FetchForWriting<Incident>(id, ct);
            if (stream.Aggregate is not { } incident) return Refusal.NotFound("Incident", id);

            var decision = decide(incident);
            if (decision.Refusal is { } refusal) return refusal;
            if (decision.Events.Count == 0 && decision.Messages.Count == 0 && decision.Scheduled.Count == 0) return Outcome.Done;
            stream.AppendMany(decision.Events);
            foreach (var message in decision.Messages) await outbox.PublishAsync(message);
            foreach (var (message, at) in decision.Scheduled) await outbox.ScheduleAsync(message, at);
            try
            {
                await session.SaveChangesAsync(ct);
                return Outcome.Done;
            }
            catch (ConcurrencyException e) when (attempt < MaxAttempts)
            {
                logger.LogDebug(e, "Incident {Incident} changed during a command (attempt {Attempt}); deciding again", id, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(5 * attempt * attempt), ct);
            }
        }
    }
}
