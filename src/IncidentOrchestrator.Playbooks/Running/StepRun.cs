using System.Text.Json;

namespace IncidentOrchestrator.Playbooks.Running;

/// <summary>One step of a run as its events leave it (see <see cref="RunFold"/>).</summary>
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

    /// <summary>The incident's facts its <c>when</c> read when it was last decided (<see cref="IncidentFactsRead"/>); null when it reads none, or the run is older than that record.</summary>
    public Dictionary<string, JsonElement>? IncidentRead { get; set; }

    /// <summary>When a failed attempt's retry is due, while it waits for it.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Its undo failed for good (the step stays as it ended); false on runs stored before it was kept.</summary>
    public bool UndoFailed { get; set; }

    /// <summary>Skipped because a step it needs failed; false on runs stored before it was kept.</summary>
    public bool SkippedForFailedNeed { get; set; }

    /// <summary>The step did its part (<see cref="StepStatuses.DidItsPart"/>).</summary>
    public bool DidItsPart => StepStatuses.DidItsPart(Status, SkippedForFailedNeed);

    public bool HasEnded => Status is StepStatuses.Succeeded or StepStatuses.Failed or StepStatuses.Skipped
        or StepStatuses.Compensated or StepStatuses.Cancelled;
}
