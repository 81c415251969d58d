namespace IncidentOrchestrator.Playbooks.Validation;

/// <summary>The fields an expression may read besides inputs and steps.</summary>
public static class PathRules
{
    public static readonly string[] IncidentFields = ["id", "title", "severity", "restricted", "status", "phase"];
    public static readonly string[] SignalFields = ["type", "severity", "source", "fingerprint", "title", "observedAt"];
    public static readonly string[] StepFields = ["outcome", "outputs"];
}
