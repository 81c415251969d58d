using System.Text.Json;

namespace IncidentOrchestrator.Contracts;

/// <summary>The incident a dry run assumes.</summary>
public sealed record DryRunIncident(string? Severity, bool? Restricted);

/// <summary>The body of <c>POST /api/playbooks/{name}/dry-run</c>: inputs, the incident and signal assumed, and how steps end.</summary>
public sealed record DryRunPlaybook(
    Dictionary<string, JsonElement>? Inputs, DryRunIncident? Incident, Dictionary<string, JsonElement>? Signal,
    Dictionary<string, string>? Decisions);

/// <summary>The body of <c>POST /api/playbooks/replay</c>: a candidate version's text, and which recorded runs of its playbook to replay it over.</summary>
public sealed record ReplayPlaybook(string? Text, List<Guid>? Incidents, DateTimeOffset? From, DateTimeOffset? To, int? Limit,
    Dictionary<string, string>? Decisions);
