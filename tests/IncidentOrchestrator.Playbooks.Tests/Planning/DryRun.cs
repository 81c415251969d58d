using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

internal static class DryRun
{
    public static Plan Of(string playbook, object? inputs = null, Dictionary<string, string>? decisions = null, string severity = "high") =>
        Of(Load.Shipped().Find(playbook)!, inputs, decisions, severity);

    public static Plan Of(Playbook playbook, object? inputs = null, Dictionary<string, string>? decisions = null, string severity = "high") =>
        Planner.Make(playbook, Request(inputs, decisions, severity));

    public static Planner.Request Request(object? inputs = null, Dictionary<string, string>? decisions = null, string severity = "high") => new(
        inputs?.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(inputs)) ?? new Dictionary<string, object?>(),
        IncidentFacts.Preview(severity, restricted: true),
        null,
        decisions ?? new Dictionary<string, string>());

    public static PlannedStep Step(this Plan plan, string id) => plan.Steps.Single(s => s.Id == id);

    public static Dictionary<string, int?> Waves(this Plan plan) => plan.Steps.ToDictionary(s => s.Id, s => s.Wave);
}
