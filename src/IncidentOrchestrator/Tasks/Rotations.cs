namespace IncidentOrchestrator.Tasks;

/// <summary>
/// On-call rotations (configuration <c>OnCall__&lt;rotation&gt;__…</c>): members take turns of
/// <see cref="HandoffEvery"/> starting at <see cref="Start"/> (its offset is the rotation's time zone).
/// </summary>
public sealed class Rotation
{
    public List<string> Members { get; set; } = [];
    public DateTimeOffset Start { get; set; } = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    public TimeSpan HandoffEvery { get; set; } = TimeSpan.FromDays(7);

    public string? OnCallAt(DateTimeOffset moment)
    {
        if (Members.Count == 0 || HandoffEvery <= TimeSpan.Zero) return null;
        var turns = (long)Math.Floor((moment - Start) / HandoffEvery);
        return Members[(int)(((turns % Members.Count) + Members.Count) % Members.Count)];
    }
}

public sealed class Rotations : Dictionary<string, Rotation>
{
    public Rotations() : base(StringComparer.Ordinal) { }

    /// <summary>
    /// <c>oncall:x</c> becomes <c>user:&lt;on call now&gt;</c>, or <c>role:responder</c> when rotation x has no
    /// one configured (so the task still reaches the responders); <c>role:…</c> and <c>user:…</c> stay as they are.
    /// </summary>
    public string Resolve(string assignee, DateTimeOffset moment)
    {
        if (!assignee.StartsWith("oncall:", StringComparison.Ordinal)) return assignee;
        return TryGetValue(assignee["oncall:".Length..], out var rotation) && rotation.OnCallAt(moment) is { } person
            ? $"user:{person}"
            : "role:responder";
    }
}
