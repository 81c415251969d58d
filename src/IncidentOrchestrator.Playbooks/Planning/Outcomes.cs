using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Playbooks.Planning;

public static class Outcomes
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Compensated = "compensated";
    public const string Cancelled = "cancelled";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Elapsed = "elapsed";
    public const string Signalled = "signalled";

    /// <summary>The outcomes a step of this kind can end with, the usual one first.</summary>
    public static string[] For(StepKind kind) => kind switch
    {
        ApprovalRequest => [Approved, Rejected],
        WaitFor { Signal: not null } => [Signalled, Elapsed],
        WaitFor => [Elapsed],
        HumanTask => [Succeeded], // a person completes a task; nothing fails it
        _ => [Succeeded, Failed],
    };
}
