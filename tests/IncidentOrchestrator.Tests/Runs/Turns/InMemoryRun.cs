using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Timeline;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IncidentOrchestrator.Tests.Runs.Turns;

/// <summary>
/// One run's saga with everything around it in memory: the incident, its stream, the signal waits, and a fake clock that
/// releases the messages the run scheduled when their time comes. No database and no real timer: a test drives the run
/// turn by turn, as Wolverine would, and reads what it recorded and sent.
/// </summary>
internal sealed class InMemoryRun : IRunStore
{
    private readonly FakeTimers _timers;
    private readonly Playbook _playbook;

    private readonly Func<ExecuteAction, bool>? _inTheTurn;

    private InMemoryRun(string yaml, IReadOnlyDictionary<string, object?>? inputs, Severity severity, Func<ExecuteAction, bool>? inTheTurn)
    {
        _inTheTurn = inTheTurn;
        _timers = new FakeTimers(Clock);
        var folder = Directory.CreateTempSubdirectory("run-turns-").FullName;
        File.WriteAllText(Path.Combine(folder, "playbook.yaml"), yaml);
        Catalog = new PlaybookCatalog(new PlaybookOptions { Path = folder, Watch = false }, BuiltInActions.Catalog,
            new HostingEnvironment { ContentRootPath = folder }, NullLogger<PlaybookCatalog>.Instance);
        Directory.Delete(folder, recursive: true);
        Assert.True(Catalog.Library.IsValid, string.Join("\n", Catalog.Errors));
        _playbook = Catalog.Library.Playbooks.Values.Single();
        Incident = new Incident { Id = Guid.CreateVersion7(), Title = "Activity data readable by all engineers", Severity = severity,
            Status = IncidentStatus.Open, Phase = "triage", OpenedAt = Clock.GetUtcNow() };
        var bound = InputBinding.Bind(_playbook, inputs ?? new Dictionary<string, object?>());
        Assert.True(bound.IsValid, string.Join("; ", bound.Problems.Values));
        Run = PlaybookRun.Request(Guid.CreateVersion7(), Incident.Id, _playbook, RunValues.Serialize(bound.Values), null, null, null, null, "cmdr@corp",
            Clock.GetUtcNow());
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    public PlaybookCatalog Catalog { get; }
    public Incident Incident { get; }
    public PlaybookRun Run { get; }
    public List<object> Events { get; } = [];
    public Dictionary<string, SignalWait> Waits { get; } = [];

    /// <summary>What the run sent to others (the executor, tasks, approvals, notifications), in order.</summary>
    public List<object> Sent { get; } = [];

    /// <summary>The timeline's sentences, in order.</summary>
    public IEnumerable<string> Lines => Events.OfType<ITimelineEvent>().Select(e => e.Describe());

    /// <param name="inTheTurn">When given, the actions whose descriptor says so run in the run's own turn, as in the service,
    /// and succeed when it says so; otherwise every action goes to the executor, whose part the test plays.</param>
    public static async Task<InMemoryRun> StartAsync(string yaml, IReadOnlyDictionary<string, object?>? inputs = null, Severity severity = Severity.High,
        Func<ExecuteAction, bool>? inTheTurn = null)
    {
        var run = new InMemoryRun(yaml, inputs, severity, inTheTurn);
        await run.DeliverAsync(new StartRun(run.Run.Id));
        return run;
    }

    /// <summary>The attempts the run sent to the executor for a step (its undos with <paramref name="undo"/>).</summary>
    public IReadOnlyList<ExecuteAction> Executions(string stepId, bool undo = false) =>
        Sent.OfType<ExecuteAction>().Where(e => e.StepId == stepId && e.Compensation == undo).ToList();

    /// <summary>The executor reports the step's latest attempt (or undo) as ended.</summary>
    public Task ReportsAsync(string stepId, bool succeeded, bool undo = false)
    {
        var attempt = Executions(stepId, undo)[^1].Attempt;
        return DeliverAsync(new ActionAttemptEnded(Run.Id, stepId, attempt, undo, succeeded, [], succeeded ? null : "connection refused", false));
    }

    /// <summary>Moves the fake clock on, handing each scheduled message to its receiver as its time comes.</summary>
    public Task WaitAsync(TimeSpan time) => _timers.WaitAsync(time, RouteAsync);

    /// <summary>The clock moves to the step's scheduled retry and hands over that retry alone (other timers wait their turn).</summary>
    public Task RetryComesAsync(string stepId) => _timers.ReleaseAsync(m => m is RetryStep r && r.StepId == stepId, RouteAsync);

    public async Task DeliverAsync(object message)
    {
        var now = Clock.GetUtcNow();
        var ct = CancellationToken.None;
        var outgoing = message switch
        {
            StartRun m => await Run.When(m, this, now, ct),
            ActionAttemptEnded m => await Run.When(m, this, now, NullLogger.Instance, ct),
            RetryStep m => await Run.When(m, this, now, ct),
            WaitElapsed m => await Run.When(m, this, now, ct),
            SignalArrived m => await Run.When(m, this, now, ct),
            ChildRunEnded m => await Run.When(m, this, now, ct),
            HumanStepEnded m => await Run.When(m, this, now, ct),
            CancelRun m => await Run.When(m, this, now, ct),
            ResolveEscalation m => await Run.When(m, this, now, ct),
            _ => throw new ArgumentException($"a run does not handle {message.GetType().Name}"),
        };
        foreach (var item in outgoing)
            if (!_timers.TryHold(item)) await RouteAsync(item);
    }

    private Task RouteAsync(object message)
    {
        if (message is IRunMessage { RunId: var id } && id == Run.Id) return DeliverAsync(message);
        Sent.Add(message);
        return Task.CompletedTask;
    }

    Task<Playbook> IRunStore.PlaybookAsync(string hash, CancellationToken ct) =>
        Task.FromResult(hash == _playbook.Hash ? _playbook : throw new InvalidOperationException($"No pinned playbook with hash {hash}"));

    Task<Incident?> IRunStore.IncidentAsync(Guid id, CancellationToken ct) => Task.FromResult(id == Incident.Id ? Incident : null);
    void IRunStore.Append(Guid incidentId, object @event) => Events.Add(@event);
    void IRunStore.Await(SignalWait wait) => Waits[wait.Id] = wait;
    void IRunStore.Forget(string signalWaitId) => Waits.Remove(signalWaitId);
    void IRunStore.Begin(PlaybookRun child, PinnedPlaybook pinned) => Sent.Add(child);

    bool IRunStore.RunsInTheTurn(string action) => _inTheTurn is not null && Catalog.Actions.Find(action) is { RunsInTheRunsTurn: true };

    Task<ActionOutcome> IRunStore.ExecuteAsync(ExecuteAction call, Incident? incident, DateTimeOffset now, CancellationToken ct)
    {
        Sent.Add(call); // as a record of what ran, in the order it did
        return Task.FromResult(_inTheTurn!(call) ? new ActionOutcome(true, [], null, false, [], []) : ActionOutcome.Failed("connection refused"));
    }

    public static Dictionary<string, JsonElement> Outputs(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
}
