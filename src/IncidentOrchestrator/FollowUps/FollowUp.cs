using JasperFx.Events;
using Marten.Events.Projections;

namespace IncidentOrchestrator.FollowUps;

/// <summary>A follow-up as its events tell it, kept inline for lists, My work and the figures.</summary>
public sealed class FollowUp
{
    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public string Owner { get; set; } = "";
    public DateTimeOffset DueAt { get; set; }
    public string Priority { get; set; } = FollowUpPriorities.Medium;
    public List<string> Tags { get; set; } = [];
    /// <summary>The incident's severity when the follow-up was created; lists and figures read the incident's own, which may have changed since.</summary>
    public Severity Severity { get; set; }
    /// <summary>Its incident's restriction, which is set when the incident begins and never changes.</summary>
    public bool Restricted { get; set; }
    public string Status { get; set; } = FollowUpStatuses.Open;
    public string? Reason { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string? Step { get; set; }

    /// <summary>When it was last done (or declared not to be done); null while it is pending.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Its issues in the trackers it was exported to.</summary>
    public List<Trackers.TrackerLink> Links { get; set; } = [];

    public int EscalationLevel { get; set; }

    public bool IsPending => FollowUpStatuses.IsPending(Status);

    public bool IsOverdue(DateTimeOffset now) => IsPending && DueAt < now;

    public static FollowUp? Begin(object data) => data is FollowUpCreated e
        ? new FollowUp
        {
            Id = e.FollowUpId, IncidentId = e.IncidentId, Title = e.Title, Description = e.Description, Owner = e.Owner, DueAt = e.DueAt,
            Priority = e.Priority, Tags = [.. e.Tags], Severity = e.Severity, Restricted = e.Restricted, CreatedBy = e.By, CreatedAt = e.At, Step = e.Step,
        }
        : null;

    public void When(object data)
    {
        switch (data)
        {
            case FollowUpStatusChanged e:
                Status = e.Status;
                Reason = e.Reason;
                ClosedAt = FollowUpStatuses.IsPending(e.Status) ? null : e.At;
                break;
            case FollowUpEscalated e:
                EscalationLevel = Math.Max(EscalationLevel, e.Level);
                break;
            case Trackers.FollowUpExported e when Links.All(l => l.Tracker != e.Tracker):
                Links.Add(new Trackers.TrackerLink(e.Tracker, e.Key, e.Url));
                break;
        }
    }
}

/// <summary>Follow-ups, each folded from the events that name it on its incident's stream.</summary>
public sealed class FollowUpProjection : MultiStreamProjection<FollowUp, Guid>
{
    public FollowUpProjection() => Identity<IFollowUpEvent>(e => e.FollowUpId);

    public override FollowUp? Evolve(FollowUp? snapshot, Guid id, IEvent e)
    {
        if (snapshot is null) return FollowUp.Begin(e.Data);
        snapshot.When(e.Data);
        return snapshot;
    }
}

/// <summary>Who may move a follow-up on (its status, its export): its owner, and whoever takes part in its incident.</summary>
public static class FollowUpRules
{
    public static bool MayChange(this Security.Caller caller, Incidents.Incident incident, Incidents.IncidentFollowUp followUp) =>
        followUp.Owner == caller.Subject || Security.IncidentAccess.TakesPart(caller, incident);

    public static Hosting.Refusal NotYours => Hosting.Refusal.Forbidden("Not your follow-up",
        "A follow-up is moved on by its owner, the incident's commander and participants, and administrators.");
}
