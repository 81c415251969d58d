namespace IncidentOrchestrator.Actions.Programmes;

/// <summary>
/// A registered programme (configuration <c>Programmes__&lt;name&gt;__…</c>), for example the AI-training
/// programme that consumes employee activity data. Suspending it stops its service account from
/// logging in and revokes that account's grants on the programme's datasets.
/// </summary>
public sealed class ProgrammeDefinition
{
    public string Owner { get; set; } = "";
    public string Description { get; set; } = "";
    public string Connection { get; set; } = "";
    public string ServiceAccountRole { get; set; } = "";
    public List<string> Datasets { get; set; } = [];

    /// <summary>How long a suspension lasts before it must be reviewed, e.g. <c>7d</c>.</summary>
    public string ReviewAfter { get; set; } = "7d";
}

public sealed class ProgrammeOptions : Dictionary<string, ProgrammeDefinition>
{
    public ProgrammeOptions() : base(StringComparer.Ordinal) { }
}
