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
}
