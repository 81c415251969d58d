using IncidentOrchestrator.Playbooks.Running;

namespace IncidentOrchestrator.Runs;

public sealed partial class PlaybookRun
{
    /// <summary>Who an escalated step waits for.</summary>
    public const string Escalation = RunDecider.Escalation;

    /// <summary>The answers the commander may give an escalated step.</summary>
    public static string[] EscalationDecisions => RunDecider.EscalationAnswers;
}
