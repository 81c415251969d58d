using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.FollowUps;
using IncidentOrchestrator.Incidents.Commanders;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Signals;
using IncidentOrchestrator.Tasks;

namespace IncidentOrchestrator.Incidents;

/// <summary>
/// The incident as its stream tells it; kept inline as a snapshot document so that reads see
/// their own writes. <see cref="IncidentProjection"/> folds the stream with <see cref="Begin"/> and <see cref="When"/>, and
/// a run's turn its own appends, so both change an incident alike.
/// </summary>
public partial class Incident
{
    public Guid Id { get; set; }
    public int Version { get; set; }
    public string Title { get; set; } = "";
    public Severity Severity { get; set; }
    public IncidentStatus Status { get; set; }
    public bool Restricted { get; set; }
    public string? Summary { get; set; }
    public string Phase { get; set; } = "detection";
    public string? Commander { get; set; }
    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>When the first signal says the problem was observed (time to detect starts here).</summary>
    public DateTimeOffset? FirstObservedAt { get; set; }

    /// <summary>When a person first answered for it: declared it, acknowledged or completed a task, decided an approval.</summary>
    public DateTimeOffset? AcknowledgedAt { get; set; }

    public DateTimeOffset? ContainedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int SignalCount { get; set; }
    public List<string> Fingerprints { get; set; } = [];

    /// <summary>Fingerprints whose source has said they resolved (and that have not fired again since).</summary>
    public List<string> ResolvedFingerprints { get; set; } = [];

    /// <summary>Subjects with need-to-know: the commander, the reporter and those added later.</summary>
    public List<string> Participants { get; set; } = [];

    public List<IncidentRun> Runs { get; set; } = [];

    /// <summary>The post-incident review's written fields, by key (<see cref="Reviewing.ReviewFields"/>).</summary>
    public Dictionary<string, string> Review { get; set; } = [];

    public List<Reviewing.ReviewDecision> ReviewDecisions { get; set; } = [];


    /// <summary>Containment steps of its runs that have not yet ended successfully, as "run:step".</summary>
    public List<string> OpenContainmentSteps { get; set; } = [];

    /// <summary>The incident a declaration or a detection begins; null for any other event, which begins none.</summary>
    public static Incident? Begin(object data) => data switch
    {
        IncidentDeclared e => Begun(e),
        IncidentDetected e => Begun(e),
        _ => null,
    };

    /// <summary>What an event on its stream changes; one it does not follow changes nothing.</summary>
    public void When(object data)
    {
        switch (data)
        {
            case PlaybookRunStarted e: On(e); break;
            case PlaybookRunEnded e: On(e); break;
            case StepStarted e: On(e); break;
            case StepSucceeded e: On(e); break;
            case StepRan e: On(e); break;
            case StepSkipped e: On(e); break;
            case StepCompensated e: On(e); break;
            case IncidentContained e: On(e); break;
            case IncidentSeverityChanged e: On(e); break;
            case TaskAcknowledged e: On(e); break;
            case TaskCompleted e: On(e); break;
            case ApprovalDecided e: On(e); break;
            case SignalReceived e: On(e); break;
            case SignalResolved e: On(e); break;
            case CommanderAssigned e: On(e); break;
            case ParticipantAdded e: On(e); break;
            case IncidentResolved e: On(e); break;
            case IncidentClosed e: On(e); break;
            case IFollowUpEvent e: OnFollowUp(e); break;
            case Reviewing.IncidentReviewBegan e: On(e); break;
            case Reviewing.IncidentReviewEdited e: On(e); break;
            case Reviewing.IncidentReviewDecisionRecorded e: ReviewDecisions.Add(new Reviewing.ReviewDecision(e.Decision, e.By, e.At)); break;
        }
    }

    private static Incident Begun(IncidentDeclared e) => new()
    {
        Id = e.IncidentId,
        Title = e.Title,
        Severity = e.Severity,
        Restricted = e.Restricted,
        Summary = e.Summary,
        Phase = "triage",
        Commander = e.DeclaredBy,
        OpenedAt = e.DeclaredAt,
        AcknowledgedAt = e.DeclaredAt,
        Participants = [e.DeclaredBy],
    };

    private static Incident Begun(IncidentDetected e) => new()
    {
        Id = e.IncidentId,
        Title = e.Title,
        Severity = e.Severity,
        Restricted = e.Restricted,
        OpenedAt = e.DetectedAt,
        FirstObservedAt = e.ObservedAt,
        Fingerprints = [e.Fingerprint],
    };

    private void On(PlaybookRunStarted e)
    {
        Runs.Add(new IncidentRun(e.RunId, e.Playbook, RunStates.Running));
        OpenContainmentSteps.AddRange(e.ContainmentSteps.Select(s => ContainmentKey(e.RunId, s)));
    }

    private void On(PlaybookRunEnded e)
    {
        var index = Runs.FindIndex(r => r.RunId == e.RunId);
        if (index >= 0) Runs[index] = Runs[index] with { Status = e.Status };
    }

    private void On(StepStarted e)
    {
        if (e.Phase is { } phase && !Status.HasEnded()) Phase = phase;
    }

    private void On(StepSucceeded e)
    {
        if (e.Phase == "containment") OpenContainmentSteps.Remove(ContainmentKey(e.RunId, e.StepId));
    }

    /// <summary>A step run in its run's turn is recorded so only when its start moved no phase (its run records that start).</summary>
    private void On(StepRan e)
    {
        if (e.Phase == "containment") OpenContainmentSteps.Remove(ContainmentKey(e.RunId, e.StepId));
    }

    private void On(StepSkipped e)
    {
        if (e.Phase == "containment" && StepStatuses.DidItsPart(StepStatuses.Skipped, e.NeedFailed)) OpenContainmentSteps.Remove(ContainmentKey(e.RunId, e.StepId));
    }

    /// <summary>
    /// A containment step undone before the incident was contained no longer does its part (<see cref="StepStatuses.DidItsPart"/>):
    /// its run's containment is open again. Once contained, an incident stays so.
    /// </summary>
    private void On(StepCompensated e)
    {
        if (e.Phase == "containment" && ContainedAt is null && !OpenContainmentSteps.Contains(ContainmentKey(e.RunId, e.StepId)))
            OpenContainmentSteps.Add(ContainmentKey(e.RunId, e.StepId));
    }

    private void On(IncidentContained e)
    {
        if (Status == IncidentStatus.Open) Status = IncidentStatus.Contained;
        ContainedAt = e.ContainedAt;
    }

    private void On(IncidentSeverityChanged e) => Severity = e.Severity;

    private void On(TaskAcknowledged e) => AcknowledgedAt ??= e.At;

    private void On(TaskCompleted e) => AcknowledgedAt ??= e.At;

    private void On(ApprovalDecided e) => AcknowledgedAt ??= e.At;

    public static string ContainmentKey(Guid runId, string stepId) => $"{runId:N}:{stepId}";

    private void On(SignalReceived e)
    {
        SignalCount++;
        if (FirstObservedAt is null || e.ObservedAt < FirstObservedAt) FirstObservedAt = e.ObservedAt;
        if (!Fingerprints.Contains(e.Fingerprint)) Fingerprints.Add(e.Fingerprint);
        ResolvedFingerprints.Remove(e.Fingerprint); // it fired again
    }

    private void On(SignalResolved e)
    {
        if (!ResolvedFingerprints.Contains(e.Fingerprint)) ResolvedFingerprints.Add(e.Fingerprint);
    }

    private void On(CommanderAssigned e)
    {
        Commander = e.Subject;
        if (!Participants.Contains(e.Subject)) Participants.Add(e.Subject);
    }

    private void On(ParticipantAdded e)
    {
        if (!Participants.Contains(e.Subject)) Participants.Add(e.Subject);
    }

    private void On(IncidentResolved e)
    {
        Status = IncidentStatus.Resolved;
        ResolvedAt = e.ResolvedAt;
        Phase = "review";
    }

    private void On(Reviewing.IncidentReviewBegan e)
    {
        Status = IncidentStatus.Reviewing;
        Phase = "review";
    }

    private void On(Reviewing.IncidentReviewEdited e)
    {
        if (e.Text.Length == 0) Review.Remove(e.Field);
        else Review[e.Field] = e.Text;
    }

    private void On(IncidentClosed e)
    {
        Status = IncidentStatus.Closed;
        ClosedAt = e.ClosedAt;
        ResolvedAt ??= e.ClosedAt;
        Phase = "review";
    }
}

/// <summary>A run of a playbook on the incident, as the incident lists it.</summary>
public sealed record IncidentRun(Guid RunId, string Playbook, string Status);
