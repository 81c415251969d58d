using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Running;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Runs;

public sealed partial class PlaybookRun
{
    /// <summary>
    /// Everything one message changes: the run's document, events on the incident, messages to send. The turn reads the
    /// incident once and keeps it current with the events it appends, so steps run in the turn see each other's effects.
    /// </summary>
    internal sealed class Turn(IRunStore store, Playbook playbook, DateTimeOffset now)
    {
        private readonly List<object> _appendedBeforeLoad = [];
        private Incident? _incident;
        private bool _loaded;
        private ValueScope? _scope;

        public IRunStore Store { get; } = store;

        /// <summary>The pinned playbook the run follows.</summary>
        public Playbook Playbook { get; } = playbook;
        public PlaybookCatalog Catalog => Store.Catalog;
        public DateTimeOffset Now { get; } = now;
        public OutgoingMessages Outgoing { get; } = [];
        public HashSet<string> EndedContainment { get; } = [];

        /// <summary>
        /// The starts of steps this turn runs itself, held back: a step that also ends in the turn records one
        /// <see cref="StepRan"/> instead; any other event of the step, or the turn's end, records its start first.
        /// </summary>
        public Dictionary<string, StepStarted> HeldStarts { get; } = new(StringComparer.Ordinal);

        /// <summary>Actions dispatched to this turn itself, and whether they are being run.</summary>
        public Queue<ExecuteAction> InlineCalls { get; } = new();
        public bool RunningInline { get; set; }

        /// <summary>The incident as this turn has it, when the turn has read it.</summary>
        public Incident? Loaded => _loaded ? _incident : null;

        public async Task<Incident?> IncidentAsync(Guid id, CancellationToken ct)
        {
            if (_loaded) return _incident;
            _incident = await Store.IncidentAsync(id, ct);
            _loaded = true;
            if (_incident is not null) foreach (var @event in _appendedBeforeLoad) _incident.When(@event);
            _appendedBeforeLoad.Clear();
            return _incident;
        }

        /// <summary>What the run's expressions see now; computed once between two events.</summary>
        public ValueScope Scope(PlaybookRun run) => _scope ??= RunScope.Of(run, Loaded);

        public void Append(Guid incidentId, object @event)
        {
            _scope = null;
            Store.Append(incidentId, @event);
            if (!_loaded) _appendedBeforeLoad.Add(@event);
            else if (_incident is not null) _incident.When(@event);
        }
    }

    /// <summary>
    /// A run as it is accepted: every step pending. It is stored in the same transaction as the
    /// <see cref="StartRun"/> message that begins it, so it can be read from the moment it is accepted.
    /// </summary>
    public static PlaybookRun Request(Guid runId, Guid incidentId, Playbook playbook, Dictionary<string, JsonElement> inputs,
        Dictionary<string, JsonElement>? signal, Guid? signalId, Guid? parentRunId, string? parentStepId, string startedBy, DateTimeOffset now) => new()
    {
        Id = runId,
        IncidentId = incidentId,
        Playbook = playbook.Name,
        PlaybookHash = playbook.Hash,
        Inputs = inputs,
        Signal = signal,
        SignalId = signalId,
        ParentRunId = parentRunId,
        ParentStepId = parentStepId,
        StartedBy = startedBy,
        StartedAt = now,
        Steps = playbook.Steps.ToDictionary(s => s.Id, _ => new StepRun(), StringComparer.Ordinal),
        OpenedPeopleWork = false,
    };

    public Task<OutgoingMessages> Handle(StartRun command, IDocumentSession session, RunServices services, CancellationToken ct) =>
        When(command, new MartenRunStore(session, services), services.Clock.GetUtcNow(), ct);

    internal async Task<OutgoingMessages> When(StartRun command, IRunStore store, DateTimeOffset now, CancellationToken ct)
    {
        var turn = await BeginTurnAsync(store, now, ct);
        if (Started || HasEnded) return turn.Outgoing; // a redelivered start changes nothing
        var playbook = turn.Playbook;
        Append(turn, new PlaybookRunStarted(IncidentId, Id, playbook.Name, playbook.Hash, Inputs, ContainmentSteps(playbook), SignalId,
            ParentRunId, ParentStepId, StartedBy, turn.Now));
        await AdvanceAsync(turn, ct);
        return turn.Outgoing;
    }

    public static IReadOnlyList<string> ContainmentSteps(Playbook playbook) =>
        playbook.Steps.Where(s => s.Phase == "containment").Select(s => s.Id).ToList();

    /// <summary>Records an event of this run on the incident and folds it into the run's state.</summary>
    private void Append(Turn turn, object @event)
    {
        if (turn.HeldStarts.Count > 0 && @event is IStepEvent { StepId: var stepId } and not StepRan && turn.HeldStarts.Remove(stepId, out var started))
            Append(turn, started);
        turn.Append(IncidentId, @event);
        Fold(turn.Playbook, @event);
    }

    /// <summary>Records the starts still held back (their steps did not end in this turn), when the turn's work is done.</summary>
    private void RecordHeldStarts(Turn turn)
    {
        foreach (var started in turn.HeldStarts.Values.ToList()) Append(turn, started);
    }

    /// <summary>Does what the decider says until the run waits: starts, skips or fails ready steps, and ends the run when all have ended.</summary>
    private async Task AdvanceAsync(Turn turn, CancellationToken ct)
    {
        try
        {
            await AdvanceStepsAsync(turn, ct);
        }
        finally
        {
            if (!turn.RunningInline) RecordHeldStarts(turn);
        }
    }

    private async Task AdvanceStepsAsync(Turn turn, CancellationToken ct)
    {
        if (HasEnded || State == RunStates.Compensating) return;
        var incident = await turn.IncidentAsync(IncidentId, ct);
        while (RunDecider.Next(turn.Playbook, this, _ => turn.Scope(this)) is { Count: > 0 } decisions)
            Perform(turn, decisions);
        CheckContainment(turn.Playbook, turn, incident);
        await RunInlineActionsAsync(turn, ct);
    }

    private void Begin(Turn turn, Step step, int attempt, IncidentFactsRead? guardRead)
    {
        var read = Json(guardRead);
        var playbook = turn.Playbook;
        var scope = turn.Scope(this);
        switch (step.Kind)
        {
            case ActionCall call:
                var started = new StepStarted(Id, step.Id, step.KindName, step.Phase, attempt, call.Action, turn.Now, read);
                // Held back only when its start moves nothing: a step that opens a phase says so when it starts, in order.
                if (attempt == 1 && turn.Store.RunsInTheTurn(call.Action) && (step.Phase is null || step.Phase == turn.Loaded?.Phase))
                {
                    turn.HeldStarts[step.Id] = started;
                    Fold(playbook, started);
                }
                else Append(turn, started);
                Dispatch(turn, step, call, scope, attempt, compensation: false);
                break;

            case WaitFor { Signal: null } wait:
                var (duration, waitError) = StepInputs.ForWait(wait, scope);
                if (!Starts(turn, step, waitError, guardRead)) break;
                Wait(turn, step, Playbooks.Model.Durations.Format(duration!.Value), duration, read);
                break;

            case WaitFor { Signal: { } signal, Within: { } within }:
                turn.Store.Await(new SignalWait
                {
                    Id = SignalWait.KeyFor(Id, step.Id), IncidentId = IncidentId, SignalType = signal, RunId = Id, StepId = step.Id,
                });
                Wait(turn, step, $"a {signal} signal", within, read);
                break;

            case SubPlaybook sub:
                StartChild(turn, step, sub, scope, guardRead);
                break;

            case HumanTask task:
                Wait(turn, step, $"a task for {task.Assignee}", null, read);
                turn.Outgoing.Add(new Tasks.OpenTask(IncidentId, Id, step.Id, task.Title.RenderForPeople(scope), task.Instructions is { } i ? i.RenderForPeople(scope) : null,
                    task.Assignee, task.EscalateTo, task.Outputs.ToList(), task.AckWithin, task.DueWithin,
                    OutputTypes: task.OutputTypes.Count == 0 ? null : task.OutputTypes.ToDictionary(), Subject: turn.Playbook.Subject));
                break;

            case ApprovalRequest approval:
                var asked = StepInputs.ForApproval(approval, scope);
                if (!Starts(turn, step, asked.Error, guardRead)) break;
                Wait(turn, step, $"approval by {asked.Quorum} of {string.Join(", ", asked.Approvers)}", null, read);
                turn.Outgoing.Add(new Approvals.OpenApproval(IncidentId, Id, step.Id, step.Title is { } t ? t.RenderForPeople(scope) : $"Approve {step.Id} of {Playbook}",
                    asked.Approvers.ToList(), asked.Quorum, approval.Within, StartedBy, turn.Playbook.Subject));
                break;
        }
    }

    /// <summary>Whether the step can start with what it was given; one that cannot fails by its route as it starts, as a dry run says.</summary>
    private bool Starts(Turn turn, Step step, string? error, IncidentFactsRead? read)
    {
        if (error is null) return true;
        Perform(turn, RunDecider.Failure(turn.Playbook, this, step, error, read));
        return false;
    }

    private void Wait(Turn turn, Step step, string what, TimeSpan? limit, Dictionary<string, JsonElement>? read)
    {
        Append(turn, new StepStarted(Id, step.Id, step.KindName, step.Phase, 1, null, turn.Now, read));
        Append(turn, new StepWaiting(Id, step.Id, what, turn.Now + limit, turn.Now));
        if (limit is { } delay) turn.Outgoing.Delay(new WaitElapsed(Id, step.Id), delay);
    }

    private void StartChild(Turn turn, Step step, SubPlaybook sub, ValueScope scope, IncidentFactsRead? read)
    {
        var found = turn.Catalog.Library.Find(sub.Playbook);
        var (inputs, error) = StepInputs.ForChild(sub, scope, found);
        if (!Starts(turn, step, error, read) || found is not { } child) return;

        var childRunId = Guid.CreateVersion7();
        turn.Store.Begin(Request(childRunId, IncidentId, child, RunValues.Serialize(inputs), Signal, null, Id, step.Id, StartedBy, turn.Now),
            PinnedPlaybook.Of(child, turn.Now));
        Wait(turn, step, $"child run {childRunId} of {child.Name}", null, Json(read));
        turn.Outgoing.Add(new StartRun(childRunId));
    }

    /// <summary>Renders the call's parameters now, from what the run knows now, and sends them to the executor.</summary>
    private void Dispatch(Turn turn, Step step, ActionCall call, ValueScope scope, int attempt, bool compensation, TimeSpan? delay = null)
    {
        var playbook = turn.Playbook;
        var (parameters, error) = StepInputs.ForAction(call, scope, turn.Catalog.Actions);
        if (error is not null)
        {
            Perform(turn, compensation ? RunDecider.UndoFailedForGood(playbook, this, step, error) : RunDecider.Failure(playbook, this, step, error));
            return;
        }
        var approvals = Steps.Where(s => s.Value.Outcome == Outcomes.Approved).Select(s => s.Key).ToList();
        var execute = new ExecuteAction(IncidentId, Id, step.Id, attempt, compensation, call.Action, RunValues.Serialize(parameters),
            step.Timeout ?? playbook.Defaults.Timeout, approvals);
        if (delay is { } wait && wait > TimeSpan.Zero) turn.Outgoing.Delay(execute, wait);
        else if (!compensation && turn.Store.RunsInTheTurn(call.Action)) turn.InlineCalls.Enqueue(execute);
        else turn.Outgoing.Add(execute);
    }

    /// <summary>A step ended as it should, with its kind's outcome: one <see cref="StepRan"/> when its start was held back in this turn.</summary>
    private void Succeed(Turn turn, Step step, string outcome, Dictionary<string, JsonElement> outputs)
    {
        if (step.Phase == "containment") turn.EndedContainment.Add(step.Id);
        if (turn.HeldStarts.Remove(step.Id, out var started))
            Append(turn, new StepRan(Id, step.Id, started.Kind, step.Phase, started.Attempt, started.Action!, outcome, outputs, turn.Now, started.IncidentRead));
        else Append(turn, new StepSucceeded(Id, step.Id, step.Phase, Steps[step.Id].Attempts, outcome, outputs, turn.Now));
    }

    /// <summary>
    /// The incident is contained the moment every containment step of all its runs did its part
    /// (<see cref="StepRun.DidItsPart"/>). Concurrent runs append to the same stream, so one of two racing turns retries
    /// and then sees the other's steps as ended.
    /// </summary>
    private void CheckContainment(Playbook playbook, Turn turn, Incident? incident)
    {
        if (turn.EndedContainment.Count == 0) return;
        if (incident is null || incident.ContainedAt is not null || incident.Status != IncidentStatus.Open) return;

        var mine = ContainmentSteps(playbook).Where(s => !Steps[s].DidItsPart);
        var prefix = $"{Id:N}:";
        var others = incident.OpenContainmentSteps.Where(k => !k.StartsWith(prefix, StringComparison.Ordinal));
        if (mine.Any() || others.Any()) return;

        var since = incident.FirstObservedAt ?? incident.OpenedAt;
        Append(turn, new IncidentContained(IncidentId, (long)Math.Max(0, (turn.Now - since).TotalSeconds), Id, turn.Now));
    }
}
