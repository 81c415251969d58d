namespace IncidentOrchestrator.Notifications;

/// <summary>
/// Something people should hear about now. <see cref="Audience"/> holds principals
/// (<c>user:x</c>, <c>role:y</c>); an empty audience means everyone who may see the incident.
/// </summary>
public sealed record Notification(
    Guid IncidentId, string Kind, string Title, string Link, IReadOnlyList<string> Audience, DateTimeOffset At)
{
    /// <summary>Who may see the incident, captured when the notification was sent.</summary>
    public bool Restricted { get; init; }
    public IReadOnlyList<string> Participants { get; init; } = [];
}

/// <summary>Send a notification after the transaction that caused it commits.</summary>
public sealed record Notify(Guid IncidentId, string Kind, string Title, IReadOnlyList<string> Audience);
