using JasperFx.Events;
using Marten.Events.Projections;

namespace IncidentOrchestrator.FollowUps;

public static class FollowUpStatuses
{
    public const string Open = "open", InProgress = "in-progress", Done = "done", WontDo = "wont-do";
    public static readonly string[] All = [Open, InProgress, Done, WontDo];

    /// <summary>Open and in-progress follow-ups still have work in them: they are reminded of and escalated when overdue.</summary>
    public static bool IsPending(string status) => status is Open or InProgress;
}

public static class FollowUpPriorities
{
    public const string Low = "low", Medium = "medium", High = "high", Urgent = "urgent";
    public static readonly string[] All = [Low, Medium, High, Urgent];

    /// <summary>A follow-up is as urgent as its incident was severe, unless its creator says otherwise.</summary>
    public static string Of(Severity severity) => severity switch
    {
        Severity.Critical => Urgent,
        Severity.High => High,
        Severity.Medium => Medium,
        _ => Low,
    };
}

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
    public Severity Severity { get; set; }
    public bool Restricted { get; set; }
    public string Status { get; set; } = FollowUpStatuses.Open;
    public string? Reason { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string? Step { get; set; }

    /// <summary>When it was last done (or declared not to be done); null while it is pending.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    public DateTimeOffset? RemindedAt { get; set; }
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
            case FollowUpReminded e:
                RemindedAt = e.At;
                break;
            case FollowUpEscalated e:
                EscalationLevel = Math.Max(EscalationLevel, e.Level);
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
