using System.Text;
using IncidentOrchestrator.Playbooks.Planning;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

/// <summary>A playbook and the outcomes its steps meet, read from a list of small choices (0 is always the simplest).</summary>
internal sealed class GeneratedScenario
{
    public string Yaml { get; private init; } = "";
    public Planner.Request Request { get; private init; } = null!;

    private readonly Dictionary<string, IReadOnlyDictionary<string, object?>> _outputs = new(StringComparer.Ordinal);

    /// <summary>What a person types into each task.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Outputs => _outputs;

    public static GeneratedScenario From(int[] choices)
    {
        var at = 0;
        int Next(int below) => at < choices.Length ? choices[at++] % below : 0;

        var flag = Next(2) == 1;
        var severity = Next(2) == 1 ? "high" : "low"; // drawn before the steps, which may use every choice left
        var count = 2 + Next(7);
        var kinds = new List<string>();
        var yaml = new StringBuilder("""
            apiVersion: incidents/v1
            kind: Playbook
            name: generated
            title: Generated
            inputs:
              flag: { type: boolean, default: false }
            steps:

            """);
        var decisions = new Dictionary<string, string>(StringComparer.Ordinal);
        var outputs = new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);
        for (var i = 1; i <= count; i++)
        {
            var id = $"s{i}";
            var kind = Next(5) switch { 0 or 4 => "action", 1 => "task", 2 => "wait", _ => "approval" };
            kinds.Add(kind);
            var needs = Enumerable.Range(1, i - 1).Where(_ => Next(3) == 1).Select(j => $"s{j}").ToList();
            yaml.Append($"  - id: {id}\n");
            if (needs.Count > 0) yaml.Append($"    needs: [{string.Join(", ", needs)}]\n");
            var tasks = needs.Where(n => kinds[int.Parse(n[1..]) - 1] == "task").ToList();
            var when = Next(6) switch
            {
                2 => "inputs.flag == true",
                3 => "incident.severity == 'high' && incident.phase == 'triage'",
                4 when tasks.Count > 0 => $"steps.{tasks[0]}.outputs.v > 3",
                5 when needs.Count > 0 => $"steps.{needs[0]}.outcome == '{(kinds[int.Parse(needs[0][1..]) - 1] == "approval" ? "approved" : "succeeded")}'",
                _ => null,
            };
            if (when is not null) yaml.Append($"    when: \"{when}\"\n");
            switch (kind)
            {
                case "action":
                    // A parameter that reads what a person typed cannot be rendered when they typed a word: the step fails as it starts.
                    var text = tasks.Count > 0 && Next(3) == 2 ? $"{{{{ steps.{tasks[0]}.outputs.v > 3 }}}}" : "{{ inputs.flag }}";
                    yaml.Append(Next(3) == 2
                        ? $"    action: webhook.post\n    with: {{ endpoint: receiver, body: \"{text}\" }}\n"
                        : $"    action: incident.add-note\n    with: {{ note: \"{text}\" }}\n");
                    yaml.Append($"    onFailure: {Next(4) switch { 0 => "fail", 1 => "continue", 2 => "compensate", _ => "escalate" }}\n");
                    if (Next(2) == 1) yaml.Append("    compensate: { action: incident.add-note, with: { note: undone } }\n");
                    if (Next(2) == 1) yaml.Append("    retry: { attempts: 2, backoff: 1s }\n");
                    decisions[id] = Next(3) == 2 ? Outcomes.Failed : Outcomes.Succeeded;
                    break;
                case "approval":
                    yaml.Append("    approval: { approvers: [role:commander] }\n");
                    decisions[id] = Next(3) == 2 ? Outcomes.Rejected : Outcomes.Approved;
                    break;
                case "task":
                    yaml.Append($"    task: {{ assignee: role:responder, title: Answer {id}, outputs: [v] }}\n");
                    outputs[id] = new Dictionary<string, object?> { ["v"] = Next(3) switch { 0 => 1L, 1 => 5L, _ => "many" } };
                    break;
                default:
                    yaml.Append("    wait: 30m\n");
                    break;
            }
        }
        var scenario = new GeneratedScenario
        {
            Yaml = yaml.ToString(),
            Request = new Planner.Request(new Dictionary<string, object?> { ["flag"] = flag }, IncidentFacts.Preview(severity, false),
                null, decisions, outputs),
        };
        foreach (var (k, v) in outputs) scenario._outputs[k] = v;
        return scenario;
    }

    /// <summary>The run as a run records it when its steps meet these outcomes: each step's status, outcome and outputs, and its end.</summary>
    public RecordedRun Record(Plan plan)
    {
        var undone = plan.Compensations.Select(c => c.Step).ToHashSet(StringComparer.Ordinal);
        var steps = plan.Steps.ToDictionary(p => p.Id, p =>
        {
            var outputs = p.Outcome is Outcomes.Succeeded && _outputs.TryGetValue(p.Id, out var o) ? o : new Dictionary<string, object?>();
            return (p.Disposition, p.Outcome) switch
            {
                ("not-reached", _) => new RecordedStep(plan.Outcome == "waiting" ? "pending" : "cancelled", null, 0, outputs),
                // escalated: it waits for the commander, unless the run ended meanwhile, which cancels it
                ("escalate", _) => new RecordedStep(plan.Outcome == "waiting" ? "waiting" : "cancelled", null, 1, outputs, Escalated: plan.Outcome == "waiting"),
                ("skip", _) => new RecordedStep("skipped", Outcomes.Skipped, 0, outputs),
                (_, Outcomes.Cancelled) => new RecordedStep("cancelled", null, 1, outputs),
                (_, Outcomes.Succeeded) when undone.Contains(p.Id) => new RecordedStep("compensated", Outcomes.Compensated, 1, outputs),
                (_, { } outcome) => new RecordedStep(outcome == Outcomes.Failed ? "failed" : "succeeded", outcome, 1, outputs),
                _ => new RecordedStep("pending", null, 0, outputs),
            };
        }, StringComparer.Ordinal);
        return new RecordedRun(Guid.Empty, Guid.Empty, plan.Hash, plan.Outcome, Request.Inputs, null, Request.Incident, steps);
    }
}
