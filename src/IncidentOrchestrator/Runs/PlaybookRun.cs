using System.Text.Json;
using JasperFx;
using Wolverine;

namespace IncidentOrchestrator.Runs;

/// <summary>
/// One run of a playbook on an incident: a durable Wolverine saga stored by Marten. Its document
/// changes in the same transaction as the events it appends to the incident's stream, so the run's
/// state and the timeline never disagree. The run keeps only the hash of its playbook; the exact
/// text is pinned in <see cref="PinnedPlaybook"/>. <see cref="IRevisioned"/> makes Marten refuse a save
/// based on a stale copy, so two turns of one run can never overwrite each other.
/// </summary>
public sealed partial class PlaybookRun : Saga, IRevisioned
{
    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }
    public string Playbook { get; set; } = "";
    public string PlaybookHash { get; set; } = "";
    public Dictionary<string, JsonElement> Inputs { get; set; } = [];
    public Dictionary<string, JsonElement>? Signal { get; set; }
    public Guid? SignalId { get; set; }
    public Guid? ParentRunId { get; set; }
    public string? ParentStepId { get; set; }
    public string StartedBy { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>False while the run is accepted but its <see cref="StartRun"/> has not been handled yet.</summary>
    public bool Started { get; set; }

    /// <summary>running, compensating, or once over: succeeded, failed, compensated, cancelled.</summary>
    public string State { get; set; } = RunStates.Running;
    public string? EndReason { get; set; }
    public Dictionary<string, StepRun> Steps { get; set; } = [];

    /// <summary>Action steps that succeeded, in the order they did: compensation walks it backwards.</summary>
    public List<string> Completed { get; set; } = [];
    public List<string> CompensationQueue { get; set; } = [];
    public bool CompensationFailed { get; set; }

    /// <summary>Steps skipped because their own <c>when</c> was false: only these skips travel to the steps that need them.</summary>
    public List<string> SkippedByWhen { get; set; } = [];

    /// <summary>Idempotency keys of the actions whose incident events this run has appended, so a redelivered result adds them once.</summary>
    public List<string> RecordedActions { get; set; } = [];

    /// <summary>
    /// Whether the run has opened a task or an approval, which its end must then cancel. Unknown (null) on runs stored before
    /// it was recorded: those are treated as having opened some.
    /// </summary>
    public bool? OpenedPeopleWork { get; set; }

    public bool HasEnded => RunStates.Ended.Contains(State);

    /// <summary>The status the API shows: running, waiting, succeeded, failed, compensated or cancelled.</summary>
    public string Status => HasEnded ? State
        : !Started || State == RunStates.Compensating || Steps.Values.Any(s => s.Status == StepStatuses.Running) ? RunStates.Running
        : RunStates.Waiting;
}

public sealed class StepRun
{
    public string Status { get; set; } = StepStatuses.Pending;
    public string? Outcome { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public Dictionary<string, JsonElement> Outputs { get; set; } = [];
    public string? Error { get; set; }
    public bool Escalated { get; set; }
    public string? WaitingFor { get; set; }

    /// <summary>
    /// How the commander answered the step's escalation (<c>retry</c>, <c>skip</c> or <c>abort</c>), once they have; null on
    /// runs stored before it was kept, whose replays then judge a retried step by the retry policy alone.
    /// </summary>
    public string? Resolution { get; set; }

    /// <summary>When a failed attempt's retry is due, while it waits for it.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public bool HasEnded => Status is StepStatuses.Succeeded or StepStatuses.Failed or StepStatuses.Skipped
        or StepStatuses.Compensated or StepStatuses.Cancelled;
}

public static class RunStates
{
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Compensating = "compensating";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Compensated = "compensated";
    public const string Cancelled = "cancelled";

    public static readonly string[] Ended = [Succeeded, Failed, Compensated, Cancelled];
}

public static class StepStatuses
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Compensated = "compensated";
    public const string Cancelled = "cancelled";
}
