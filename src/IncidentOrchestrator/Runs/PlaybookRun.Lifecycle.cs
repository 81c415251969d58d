using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Runs;

public sealed partial class PlaybookRun
{
    /// <summary>
    /// Everything one message changes: the run's document, events on the incident, messages to send. The turn reads the
    /// incident once and keeps it current with the events it appends, so steps run in the turn see each other's effects.
    /// </summary>
    internal sealed class Turn(IDocumentSession session, RunServices services, DateTimeOffset now)
    {
        private readonly List<object> _appendedBeforeLoad = [];
        private Incident? _incident;
        private bool _loaded;

        public IDocumentSession Session { get; } = session;
        public PlaybookCatalog Catalog => services.Catalog;
        public InlineActions Actions => services.Actions;
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
            _incident = await Session.LoadAsync<Incident>(id, ct);
            _loaded = true;
            if (_incident is not null) foreach (var @event in _appendedBeforeLoad) IncidentApply.Apply(_incident, @event);
            _appendedBeforeLoad.Clear();
            return _incident;
        }

        public void Append(Guid incidentId, object @event)
        {
            Session.Events.Append(incidentId, @event);
            if (!_loaded) _appendedBeforeLoad.Add(@event);
            else if (_incident is not null) IncidentApply.Apply(_incident, @event);
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

    public async Task<OutgoingMessages> Handle(StartRun command, IDocumentSession session, RunServices services, CancellationToken ct)
    {
        var (playbook, turn) = await BeginTurnAsync(session, services, ct);
        if (Started || HasEnded) return turn.Outgoing; // a redelivered start changes nothing
        Started = true;
        Append(turn, new PlaybookRunStarted(IncidentId, Id, playbook.Name, playbook.Hash, Inputs, ContainmentSteps(playbook), SignalId,
            ParentRunId, ParentStepId, StartedBy, turn.Now));
        await AdvanceAsync(playbook, turn, ct);
        return turn.Outgoing;
    }

    /// <summary>Suffix of the parameter that carries the bind values of a SQL parameter.</summary>
    public const string SqlArguments = "@arguments";

    public static IReadOnlyList<string> ContainmentSteps(Playbook playbook) =>
        playbook.Steps.Where(s => s.Phase == "containment").Select(s => s.Id).ToList();

    private void Append(Turn turn, object @event)
    {
        if (turn.HeldStarts.Count > 0 && @event is IStepEvent { StepId: var stepId } and not StepRan && turn.HeldStarts.Remove(stepId, out var started))
            turn.Append(IncidentId, started);
        turn.Append(IncidentId, @event);
    }

    /// <summary>Records the starts still held back (their steps did not end in this turn), when the turn's work is done.</summary>
    private void RecordHeldStarts(Turn turn)
    {
        foreach (var started in turn.HeldStarts.Values.ToList()) Append(turn, started);
    }

    /// <summary>Starts every step whose needs have ended, skips those that must be skipped, and ends the run when all have ended.</summary>
    private async Task AdvanceAsync(Playbook playbook, Turn turn, CancellationToken ct)
    {
        try
        {
            await AdvanceStepsAsync(playbook, turn, ct);
        }
        finally
        {
            if (!turn.RunningInline) RecordHeldStarts(turn);
        }
    }

    private async Task AdvanceStepsAsync(Playbook playbook, Turn turn, CancellationToken ct)
    {
        if (HasEnded || State == RunStates.Compensating) return;
        var incident = await turn.IncidentAsync(IncidentId, ct);
        var scope = RunScope.Of(this, incident);

        bool progressed;
        do
        {
            progressed = false;
            foreach (var step in playbook.Steps)
            {
                if (HasEnded) return;
                var state = Steps[step.Id];
                if (state.Status != StepStatuses.Pending || !step.Needs.All(n => Steps[n.StepId].HasEnded)) continue;
                progressed = true;

                switch (StepDecision.For(step, id => new StepDecision.NeedEnd(Steps[id].Outcome, SkippedByWhen.Contains(id)), scope))
                {
                    case StepDecision.Skip skip:
                        Skip(turn, step, skip.Reason, skip.ByWhen);
                        break;
                    case StepDecision.Fail fail:
                        FailStep(playbook, turn, step, fail.Reason);
                        break;
                    default:
                        Begin(playbook, turn, step, scope);
                        break;
                }

                if (Steps[step.Id].Outcome is { } outcome)
                    scope.Steps[step.Id] = new ValueScope.StepState(outcome, new Dictionary<string, object?>());
            }
        } while (progressed);

        if (!HasEnded && Steps.Values.All(s => s.HasEnded))
            End(turn, RunStates.Succeeded, null); // failures that continued are on the timeline; the run itself went through
        CheckContainment(playbook, turn, incident);
        await RunInlineActionsAsync(playbook, turn, ct);
    }

    private void Begin(Playbook playbook, Turn turn, Step step, ValueScope scope)
    {
        var state = Steps[step.Id];
        state.StartedAt = turn.Now;
        switch (step.Kind)
        {
            case ActionCall call:
                state.Status = StepStatuses.Running;
                state.Attempts = 1;
                var started = new StepStarted(Id, step.Id, step.KindName, step.Phase, 1, call.Action, turn.Now);
                // Held back only when its start moves nothing: a step that opens a phase says so when it starts, in order.
                if (turn.Actions.RunsInTheTurn(call.Action) && (step.Phase is null || step.Phase == turn.Loaded?.Phase)) turn.HeldStarts[step.Id] = started;
                else Append(turn, started);
                Dispatch(playbook, turn, step, call, scope, attempt: 1, compensation: false);
                break;

            case WaitFor { Duration: { } duration }:
                Wait(turn, step, Playbooks.Model.Durations.Format(duration), duration);
                break;

            case WaitFor { Signal: { } signal, Within: { } within }:
                turn.Session.Store(new SignalWait
                {
                    Id = SignalWait.KeyFor(Id, step.Id), IncidentId = IncidentId, SignalType = signal, RunId = Id, StepId = step.Id,
                });
                Wait(turn, step, $"a {signal} signal", within);
                break;

            case SubPlaybook sub:
                StartChild(playbook, turn, step, sub, scope);
                break;

            case HumanTask task:
                Wait(turn, step, $"a task for {task.Assignee}", null);
                OpenedPeopleWork = true;
                turn.Outgoing.Add(new Tasks.OpenTask(IncidentId, Id, step.Id, Text(task.Title, scope), task.Instructions is { } i ? Text(i, scope) : null,
                    task.Assignee, task.EscalateTo, task.Outputs.ToList(), task.AckWithin, task.DueWithin));
                break;

            case ApprovalRequest approval:
                Wait(turn, step, $"approval by {approval.Quorum} of {string.Join(", ", approval.Approvers)}", null);
                OpenedPeopleWork = true;
                turn.Outgoing.Add(new Approvals.OpenApproval(IncidentId, Id, step.Id, step.Title is { } t ? Text(t, scope) : $"Approve {step.Id} of {Playbook}",
                    approval.Approvers.ToList(), approval.Quorum, approval.Within, StartedBy));
                break;
        }
    }

    /// <summary>Text for people: a template that cannot be rendered shows its source rather than failing the step.</summary>
    private static string Text(TextTemplate template, ValueScope scope)
    {
        try { return template.Render(scope); }
        catch (ExpressionException) { return template.Template.Source; }
    }

    private void Wait(Turn turn, Step step, string what, TimeSpan? limit)
    {
        var state = Steps[step.Id];
        state.Status = StepStatuses.Waiting;
        state.WaitingFor = what;
        Append(turn, new StepStarted(Id, step.Id, step.KindName, step.Phase, 1, null, turn.Now));
        Append(turn, new StepWaiting(Id, step.Id, what, turn.Now + limit, turn.Now));
        if (limit is { } delay) turn.Outgoing.Delay(new WaitElapsed(Id, step.Id), delay);
    }

    private void StartChild(Playbook playbook, Turn turn, Step step, SubPlaybook sub, ValueScope scope)
    {
        if (turn.Catalog.Library.Find(sub.Playbook) is not { } child)
        {
            FailStep(playbook, turn, step, $"playbook '{sub.Playbook}' is not loaded");
            return;
        }
        Dictionary<string, object?> rendered;
        try
        {
            rendered = sub.With.ToDictionary(p => p.Name, p => p.Value.Render(scope), StringComparer.Ordinal);
        }
        catch (ExpressionException e)
        {
            FailStep(playbook, turn, step, $"the inputs of '{sub.Playbook}' cannot be rendered: {e.Message}");
            return;
        }
        var bound = InputBinding.Bind(child, rendered);
        if (!bound.IsValid)
        {
            FailStep(playbook, turn, step, $"inputs of '{sub.Playbook}': {string.Join("; ", bound.Problems.Values)}");
            return;
        }

        var childRunId = Guid.CreateVersion7();
        turn.Session.Store(PinnedPlaybook.Of(child, turn.Now));
        turn.Session.Insert(Request(childRunId, IncidentId, child, RunValues.Serialize(bound.Values), Signal, null, Id, step.Id, StartedBy, turn.Now));
        Wait(turn, step, $"child run {childRunId} of {child.Name}", null);
        turn.Outgoing.Add(new StartRun(childRunId));
    }

    /// <summary>Renders the call's parameters now, from what the run knows now, and sends them to the executor.</summary>
    private void Dispatch(Playbook playbook, Turn turn, Step step, ActionCall call, ValueScope scope, int attempt, bool compensation,
        TimeSpan? delay = null)
    {
        Dictionary<string, object?> parameters;
        try
        {
            var sqlParameters = turn.Catalog.Actions.Find(call.Action)?.SqlParameters ?? [];
            parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var p in call.With)
            {
                if (sqlParameters.Contains(p.Name) && p.Value is TextValue sql)
                {
                    var (text, values) = sql.Template.RenderSql(scope);
                    parameters[p.Name] = text;
                    parameters[p.Name + SqlArguments] = values.ToList();
                }
                else parameters[p.Name] = p.Value.Render(scope);
            }
        }
        catch (ExpressionException e)
        {
            if (compensation) CompensationEnded(playbook, turn, step.Id, int.MaxValue, false, $"parameters cannot be rendered: {e.Message}");
            else FailStep(playbook, turn, step, $"parameters cannot be rendered: {e.Message}");
            return;
        }
        var approvals = Steps.Where(s => s.Value.Outcome == Outcomes.Approved).Select(s => s.Key).ToList();
        var execute = new ExecuteAction(IncidentId, Id, step.Id, attempt, compensation, call.Action, RunValues.Serialize(parameters),
            step.Timeout ?? playbook.Defaults.Timeout, approvals);
        if (delay is { } wait && wait > TimeSpan.Zero) turn.Outgoing.Delay(execute, wait);
        else if (!compensation && turn.Actions.RunsInTheTurn(call.Action)) turn.InlineCalls.Enqueue(execute);
        else turn.Outgoing.Add(execute);
    }

    private void Skip(Turn turn, Step step, string reason, bool byWhen, string by = "system")
    {
        var state = Steps[step.Id];
        state.Status = StepStatuses.Skipped;
        state.Outcome = Outcomes.Skipped;
        state.EndedAt = turn.Now;
        if (byWhen) SkippedByWhen.Add(step.Id);
        if (step.Phase == "containment") turn.EndedContainment.Add(step.Id);
        Append(turn, new StepSkipped(Id, step.Id, step.Phase, reason, by, turn.Now));
    }

    private void Succeed(Turn turn, Step step, string outcome, Dictionary<string, JsonElement> outputs)
    {
        var state = Steps[step.Id];
        state.Status = StepStatuses.Succeeded;
        state.Outcome = outcome;
        state.Outputs = outputs;
        state.EndedAt = turn.Now;
        state.WaitingFor = null;
        if (step.Kind is ActionCall) Completed.Add(step.Id);
        if (step.Phase == "containment") turn.EndedContainment.Add(step.Id);
        if (turn.HeldStarts.Remove(step.Id, out var started))
            Append(turn, new StepRan(Id, step.Id, started.Kind, step.Phase, started.Attempt, started.Action!, outcome, outputs, turn.Now));
        else Append(turn, new StepSucceeded(Id, step.Id, step.Phase, state.Attempts, outcome, outputs, turn.Now));
    }

    private void End(Turn turn, string state, string? reason)
    {
        State = state;
        EndReason = reason;
        EndedAt = turn.Now;
        foreach (var (id, step) in Steps.Where(s => !s.Value.HasEnded))
        {
            // A step still waiting may be waiting for a signal; a wait that ended removed its own record.
            if (step.Status == StepStatuses.Waiting) turn.Session.Delete<SignalWait>(SignalWait.KeyFor(Id, id));
            step.Status = StepStatuses.Cancelled;
            step.EndedAt = turn.Now;
            Append(turn, new StepCancelled(Id, id, turn.Now));
        }
        Append(turn, new PlaybookRunEnded(IncidentId, Id, Playbook, state, reason, turn.Now));
        if (ParentRunId is { } parent) turn.Outgoing.Add(new ChildRunEnded(parent, ParentStepId!, Id, state));
        if (OpenedPeopleWork != false) turn.Outgoing.Add(new RunWorkClosed(Id));
        turn.Outgoing.Add(new Notifications.Notify(IncidentId, "run", $"Playbook {Playbook} ended {state}{(reason is null ? "" : $": {reason}")}",
            [$"user:{StartedBy}", "role:commander"]));
    }

    /// <summary>
    /// The incident is contained the moment every containment step of all its runs has ended
    /// successfully. Concurrent runs append to the same stream, so one of two racing turns retries
    /// and then sees the other's steps as ended.
    /// </summary>
    private void CheckContainment(Playbook playbook, Turn turn, Incident? incident)
    {
        if (turn.EndedContainment.Count == 0) return;
        if (incident is null || incident.ContainedAt is not null || incident.Status != IncidentStatus.Open) return;

        var mine = ContainmentSteps(playbook).Where(s => !(Steps[s].Status is StepStatuses.Succeeded or StepStatuses.Skipped));
        var prefix = $"{Id:N}:";
        var others = incident.OpenContainmentSteps.Where(k => !k.StartsWith(prefix, StringComparison.Ordinal));
        if (mine.Any() || others.Any()) return;

        var since = incident.FirstObservedAt ?? incident.OpenedAt;
        Append(turn, new IncidentContained(IncidentId, (long)Math.Max(0, (turn.Now - since).TotalSeconds), Id, turn.Now));
    }
}
