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
