using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Model;
using Marten;

namespace IncidentOrchestrator.Runs;

/// <summary>
/// What a run's turn reads and writes besides its own document: its pinned playbook, the incident and its stream, the
/// records a run keeps beside it (signal waits, child runs, pinned texts) and the actions it runs itself. Marten in the
/// service (<see cref="MartenRunStore"/>); a test of the saga keeps them in memory.
/// </summary>
public interface IRunStore
{
    PlaybookCatalog Catalog { get; }
    Task<Playbook> PlaybookAsync(string hash, CancellationToken ct);
    Task<Incident?> IncidentAsync(Guid id, CancellationToken ct);
    void Append(Guid incidentId, object @event);
    void Await(SignalWait wait);
    void Forget(string signalWaitId);
    void Begin(PlaybookRun child, PinnedPlaybook pinned);
    bool RunsInTheTurn(string action);
    Task<ActionOutcome> ExecuteAsync(ExecuteAction call, Incident? incident, DateTimeOffset now, CancellationToken ct);
}

/// <summary>The run's store in the service: its turn's Marten session, which commits with the saga's document and its outbox.</summary>
public sealed class MartenRunStore(IDocumentSession session, RunServices services) : IRunStore
{
    public PlaybookCatalog Catalog => services.Catalog;
    public Task<Playbook> PlaybookAsync(string hash, CancellationToken ct) => services.Playbooks.GetAsync(hash, session, ct);
    public Task<Incident?> IncidentAsync(Guid id, CancellationToken ct) => session.LoadAsync<Incident>(id, ct);
    public void Append(Guid incidentId, object @event) => session.Events.Append(incidentId, @event);
    public void Await(SignalWait wait) => session.Store(wait);
    public void Forget(string signalWaitId) => session.Delete<SignalWait>(signalWaitId);

    public void Begin(PlaybookRun child, PinnedPlaybook pinned)
    {
        session.Store(pinned);
        session.Insert(child);
    }

    public bool RunsInTheTurn(string action) => services.Actions.RunsInTheTurn(action);

    public Task<ActionOutcome> ExecuteAsync(ExecuteAction call, Incident? incident, DateTimeOffset now, CancellationToken ct) =>
        services.Actions.ExecuteAsync(call, session, incident, now, ct);
}
