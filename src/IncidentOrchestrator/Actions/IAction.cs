using IncidentOrchestrator.Playbooks.Actions;
using Marten;

namespace IncidentOrchestrator.Actions;

/// <summary>
/// One action a playbook step can run. The idempotency key is the same for every attempt and
/// redelivery of the same step, so an action with an outside effect can make it happen at most once.
/// Throwing fails the attempt; the message is what the timeline shows.
/// </summary>
public interface IAction
{
    ActionDescriptor Descriptor { get; }

    /// <summary>
    /// True for an action whose whole effect is events on its own incident, worked out from the incident (it writes
    /// nothing else and reaches nothing outside): the run executes it inside its own turn, with no message to an executor
    /// and back, and its events, the step's result and the run's next steps commit together or not at all. Its descriptor
    /// says so, so that a plan knows it too.
    /// </summary>
    bool RunsInTheRunsTurn => Descriptor.RunsInTheRunsTurn;

    Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct);
}

/// <param name="Approvals">The approval steps of the run that ended approved before this step.</param>
public sealed record ActionContext(
    Guid IncidentId, Guid RunId, string StepId, int Attempt, string IdempotencyKey,
    IReadOnlyDictionary<string, object?> Parameters, IDocumentSession Session, DateTimeOffset Now, IReadOnlyList<string> Approvals)
{
    public string Text(string name) => Parameters.GetValueOrDefault(name) switch
    {
        null => throw new ActionFailedException($"parameter '{name}' is empty"),
        var v => Playbooks.Expressions.Evaluator.Display(v),
    };

    public string? OptionalText(string name) => Parameters.GetValueOrDefault(name) is { } v ? Playbooks.Expressions.Evaluator.Display(v) : null;

    /// <summary>The incident as the run's turn sees it (with what the turn has appended), for actions that run in the turn.</summary>
    public Incidents.Incident? Incident { get; init; }

    /// <summary>What the action did to the incident, for its timeline; the run appends it when it takes the result (see <see cref="RecordedIncidentEvent"/>).</summary>
    public List<object> IncidentEvents { get; } = [];

    public void RecordOnIncident(object @event) => IncidentEvents.Add(@event);
}

/// <param name="FollowUps">Messages to deliver after a delay (durably, with the result), e.g. a review reminder.</param>
public sealed record ActionResult(IReadOnlyDictionary<string, object?> Outputs, IReadOnlyList<(object Message, TimeSpan Delay)>? FollowUps = null)
{
    public static readonly ActionResult Empty = new(new Dictionary<string, object?>());

    /// <summary>
    /// The step cannot end yet: the action waits for something to happen (its follow-ups to be done). Its step stays running, nothing is recorded
    /// as executed, and the action is tried again when what it waits for may have happened; it sets its own look-again timer in
    /// <see cref="FollowUps"/> (every <see cref="WaitingRecheck"/>). Only an action that runs through the executor may wait.
    /// </summary>
    public bool Waiting { get; init; }

    public static readonly TimeSpan WaitingRecheck = TimeSpan.FromMinutes(15);
}

/// <summary>An expected failure of an action, reported without a stack trace.</summary>
public sealed class ActionFailedException(string message) : Exception(message);
