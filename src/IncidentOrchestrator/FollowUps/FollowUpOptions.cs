namespace IncidentOrchestrator.FollowUps;

/// <summary>Configuration section <c>FollowUps</c>: when follow-ups are due by default, and when they are reminded of and escalated.</summary>
public sealed class FollowUpOptions
{
    /// <summary>How long a follow-up of a critical, high, medium or low incident has by default (<c>FollowUps__DueWithin__Critical=14.00:00:00</c>).</summary>
    public DueWithinSeverity DueWithin { get; set; } = new();

    /// <summary>How long before its due date the owner is reminded.</summary>
    public TimeSpan RemindBefore { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long an overdue follow-up stays with the incident's commander before it goes to leadership.</summary>
    public TimeSpan LeadershipAfter { get; set; } = TimeSpan.FromDays(7);

    public sealed class DueWithinSeverity
    {
        public TimeSpan Critical { get; set; } = TimeSpan.FromDays(14);
        public TimeSpan High { get; set; } = TimeSpan.FromDays(30);
        public TimeSpan Medium { get; set; } = TimeSpan.FromDays(60);
        public TimeSpan Low { get; set; } = TimeSpan.FromDays(90);

        public TimeSpan Of(Severity severity) => severity switch
        {
            Severity.Critical => Critical,
            Severity.High => High,
            Severity.Medium => Medium,
            _ => Low,
        };
    }
}
