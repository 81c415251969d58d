using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Tasks;
using IncidentOrchestrator.Timeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IncidentOrchestrator.Tests.Runs.Turns;

/// <summary>
/// People's work (tasks and approvals) with its store in memory and its timers on a fake clock: the service's own handlers
/// open the work and take its timers as they come due; a test plays the people and reads what was recorded and sent.
/// </summary>
internal sealed class InMemoryWork : IWorkStore
{
    private readonly FakeTimers _timers;
    private readonly Dictionary<Guid, object> _documents = [];
    private readonly TaskEscalation _escalation;
    private readonly Rotations _rotations;

    public InMemoryWork(EscalationPolicies? policies = null, Rotations? rotations = null)
    {
        _timers = new FakeTimers(Clock);
        _rotations = rotations ?? [];
        _escalation = new TaskEscalation(_rotations, policies ?? [], NullLogger<TaskEscalation>.Instance);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    public Guid IncidentId { get; } = Guid.CreateVersion7();
    public List<object> Events { get; } = [];

    /// <summary>What the handlers sent on (notifications), in order.</summary>
    public List<object> Sent { get; } = [];

    public IEnumerable<string> Lines => Events.OfType<ITimelineEvent>().Select(e => e.Describe());

    /// <summary>The timers set and not yet due, as their messages.</summary>
    public IEnumerable<object> Timers => _timers.Scheduled.Select(s => s.Message);
    public IReadOnlyList<TaskItem> Tasks => _documents.Values.OfType<TaskItem>().OrderBy(t => t.OpenedAt).ThenBy(t => t.Id).ToList();
    public ApprovalItem Approval => _documents.Values.OfType<ApprovalItem>().Single();

    public Task OpenTaskAsync(string assignee, TimeSpan? ackWithin, TimeSpan? dueWithin, string? escalateTo = null) =>
        DeliverAsync(new OpenTask(IncidentId, Guid.CreateVersion7(), "ask", "Rotate the credentials", null, assignee, escalateTo, [], ackWithin, dueWithin));

    public Task OpenApprovalAsync(TimeSpan? within) =>
        DeliverAsync(new OpenApproval(IncidentId, Guid.CreateVersion7(), "approve-resume", "Resume the programme", ["role:privacy"], 1, within, "cmdr@corp"));

    /// <summary>Moves the fake clock on, handing each timer to its handler as its time comes.</summary>
    public Task WaitAsync(TimeSpan time) => _timers.WaitAsync(time, DeliverAsync);

    private async Task DeliverAsync(object message)
    {
        var now = Clock.GetUtcNow();
        var ct = CancellationToken.None;
        var outgoing = message switch
        {
            OpenTask m => OpenTaskHandler.When(m, this, _rotations, now),
            TaskAckDue m => await TaskAckDueHandler.When(m, this, _escalation, now, ct),
            TaskDue m => await TaskDueHandler.When(m, this, _escalation, now, ct),
            OpenApproval m => OpenApprovalHandler.When(m, this, now),
            ApprovalDue m => await ApprovalDueHandler.When(m, this, now, ct),
            _ => throw new ArgumentException($"people's work does not handle {message.GetType().Name}"),
        };
        foreach (var item in outgoing)
            if (!_timers.TryHold(item)) Sent.Add(item);
    }

    Task<T?> IWorkStore.LoadAsync<T>(Guid id, CancellationToken ct) where T : class => Task.FromResult(_documents.GetValueOrDefault(id) as T);

    Task<bool> IWorkStore.AnyAcknowledgedAsync(Guid workId, CancellationToken ct) =>
        Task.FromResult(_documents.Values.OfType<TaskItem>().Any(t => t.WorkId == workId && t.AcknowledgedAt is not null));

    void IWorkStore.Store<T>(T document) where T : class => _documents[document switch
    {
        TaskItem t => t.Id,
        ApprovalItem a => a.Id,
        _ => throw new ArgumentException($"no {typeof(T).Name} is kept here"),
    }] = document;

    void IWorkStore.Append(Guid incidentId, object @event) => Events.Add(@event);
}
