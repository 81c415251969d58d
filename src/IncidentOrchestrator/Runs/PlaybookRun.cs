using System.Text.Json;
using IncidentOrchestrator.Playbooks.Running;
using JasperFx;
using Wolverine;

namespace IncidentOrchestrator.Runs;

/// <summary>
/// One run of a playbook on an incident: a durable Wolverine saga stored by Marten. Its document
/// changes in the same transaction as the events it appends to the incident's stream, so the run's
/// state and the timeline never disagree. The run keeps only the hash of its playbook; the exact
/// text is pinned in <see cref="PinnedPlaybook"/>. <see cref="IRevisioned"/> makes Marten refuse a save
/// based on a stale copy, so two turns of one run can never overwrite each other. Its state is the fold of the run's own
/// events (<see cref="RunFold"/>); what it does next is the <see cref="RunDecider"/>'s to say.
/// </summary>
public sealed partial class PlaybookRun : Saga, IRevisioned, IRunState
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

    public string State { get; set; } = RunStates.Running;
    public string? EndReason { get; set; }
    public Dictionary<string, StepRun> Steps { get; set; } = [];

    public List<string> Completed { get; set; } = [];
    public List<string> CompensationQueue { get; set; } = [];
    public bool CompensationFailed { get; set; }

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
    public string Status => RunStates.Shown(this, Started);
}
