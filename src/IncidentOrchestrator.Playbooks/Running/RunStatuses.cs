namespace IncidentOrchestrator.Playbooks.Running;

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

    /// <summary>
    /// The status people are shown: the end once there is one; running before its first turn, while it undoes, or while a
    /// step is under way; otherwise waiting (for a person, a timer or a signal).
    /// </summary>
    public static string Shown(IRunState run, bool started = true) => Ended.Contains(run.State) ? run.State
        : !started || run.State == Compensating || run.Steps.Values.Any(s => s.Status == StepStatuses.Running) ? Running
        : Waiting;
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

    /// <summary>
    /// A step so ended did its part: it succeeded, or it was skipped as not needed (by a <c>when</c>, or by the commander),
    /// not because a step it needs failed. An incident is contained once every containment step of its runs did its part.
    /// </summary>
    public static bool DidItsPart(string status, bool skippedForFailedNeed) => status == Succeeded || status == Skipped && !skippedForFailedNeed;
}
