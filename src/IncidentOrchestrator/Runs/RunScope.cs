using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Expressions;

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

    public static Dictionary<string, object?> Facts(Incident incident) => new()
    {
        ["id"] = incident.Id.ToString(),
        ["title"] = incident.Title,
        ["severity"] = incident.Severity.ToString().ToLowerInvariant(),
        ["restricted"] = incident.Restricted,
        ["status"] = incident.Status.ToString().ToLowerInvariant(),
        ["phase"] = incident.Phase,
    };
}
