namespace IncidentOrchestrator.Tasks;

/// <summary>One level of an escalation policy: who is asked, and how long they have to acknowledge before the next level.</summary>
public sealed class EscalationLevel
{
    public string To { get; set; } = "";
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// PagerDuty-style escalation (configuration <c>Escalation__&lt;policy&gt;__Levels__i__To</c> and
/// <c>__After</c>, <c>Escalation__&lt;policy&gt;__Repeat</c>): a task that escalates to
/// <c>policy:&lt;name&gt;</c> goes to each level in turn, each given <see cref="EscalationLevel.After"/>
/// to acknowledge, and the whole list is gone through <see cref="Repeat"/> more times.
/// </summary>
public sealed class EscalationPolicy
{
    public List<EscalationLevel> Levels { get; set; } = [];
    public int Repeat { get; set; }

    /// <summary>How many escalations the policy allows in all.</summary>
    public int Steps => Levels.Count * (Math.Max(Repeat, 0) + 1);

    public EscalationLevel Level(int step) => Levels[step % Levels.Count];
}

public sealed class EscalationPolicies : Dictionary<string, EscalationPolicy>
{
    public EscalationPolicies() : base(StringComparer.Ordinal) { }
}
