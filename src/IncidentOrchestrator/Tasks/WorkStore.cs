using Marten;

namespace IncidentOrchestrator.Tasks;

/// <summary>
/// What people's work (tasks and approvals) reads and writes when it opens and when its timers come due: Marten in the
/// service (<see cref="MartenWorkStore"/>); a test of the timers keeps it in memory on a fake clock.
/// </summary>
public interface IWorkStore
{
    Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class;

    /// <summary>Whether any copy of the work (the original task, or one it escalated to) has been acknowledged.</summary>
    Task<bool> AnyAcknowledgedAsync(Guid workId, CancellationToken ct);

    void Store<T>(T document) where T : class;
    void Append(Guid incidentId, object @event);
}

/// <summary>The work's store in the service: the handler's Marten session, which commits with its outbox.</summary>
public sealed class MartenWorkStore(IDocumentSession session) : IWorkStore
{
    public Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => session.LoadAsync<T>(id, ct);

    public Task<bool> AnyAcknowledgedAsync(Guid workId, CancellationToken ct) =>
        session.Query<TaskItem>().AnyAsync(t => t.WorkId == workId && t.AcknowledgedAt != null, ct);

    public void Store<T>(T document) where T : class => session.Store(document);
    public void Append(Guid incidentId, object @event) => session.Events.Append(incidentId, @event);
}
