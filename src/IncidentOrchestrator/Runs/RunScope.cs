using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Expressions;
using IncidentOrchestrator.Playbooks.Planning;

namespace IncidentOrchestrator.Runs;

/// <summary>What a run's expressions see now: its inputs, the incident, the triggering signal and the steps so far.</summary>
public static class RunScope
{
    public static ValueScope Of(PlaybookRun run, Incident? incident)
    {
        var scope = new ValueScope
        {
            Inputs = JsonValues.ToPlain(run.Inputs),
            Incident = incident is null ? new Dictionary<string, object?>() : Facts(incident),
            Signal = run.Signal is null ? null : JsonValues.ToPlain(run.Signal),
        };
        foreach (var (id, step) in run.Steps.Where(s => s.Value.Outcome is not null))
            scope.Steps[id] = new ValueScope.StepState(step.Outcome!, JsonValues.ToPlain(step.Outputs));
        return scope;
    }

    /// <summary>What an undo's parameters are rendered from (<see cref="StepDecision.ForCompensation"/>: the plan renders them alike).</summary>
    public static ValueScope ForUndo(PlaybookRun run) => StepDecision.ForCompensation(Of(run, null));

    public static Dictionary<string, object?> Facts(Incident incident) => IncidentFacts.Of(incident.Id.ToString(), incident.Title,
        ApiJson.Name(incident.Severity), incident.Restricted, ApiJson.Name(incident.Status), incident.Phase);
}
