using IncidentOrchestrator.Actions;

namespace IncidentOrchestrator.Runs;

/// <summary>
/// Executes the actions that run in the run's own turn (<see cref="IAction.RunsInTheRunsTurn"/>). Such a step costs no
/// durable message to an executor and back, no transaction of its own and no execution record: the turn that starts it
/// also takes its result, so it happens exactly once because the turn commits once. Actions with an effect outside the
/// incident keep going through <see cref="ExecuteActionHandler"/>, where the idempotency key makes them happen once.
/// </summary>
public sealed class InlineActions(ActionRegistry registry, ILogger<InlineActions> logger)
{
    public bool RunsInTheTurn(string action) => registry.Implementation(action) is { RunsInTheRunsTurn: true };

    public Task<ActionOutcome> ExecuteAsync(ExecuteAction call, Marten.IDocumentSession session, Incidents.Incident? incident, DateTimeOffset now,
        CancellationToken ct) =>
        ActionAttempt.RunAsync(registry.Implementation(call.Action)!, call, session, incident, now, logger, ct);
}
