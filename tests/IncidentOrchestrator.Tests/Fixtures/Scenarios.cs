using Alba;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>The incident story in a few verbs, over the HTTP API.</summary>
public static class Scenarios
{
    /// <summary>A signal of a type no playbook triggers on, unless the test says otherwise.</summary>
    public static object Signal(string fingerprint, string severity = "high", string type = "scanner.finding",
        object? attributes = null, string? title = null) => new
    {
        source = "acl-scanner",
        type,
        severity,
        fingerprint,
        title = title ?? $"drift on {fingerprint}",
        observedAt = DateTimeOffset.UtcNow.AddMinutes(-3),
        attributes = attributes ?? new { dataset = "hr.employee_activity", grantee = "all_engineers" },
    };

    public static async Task<Accepted> SendSignal(this IAlbaHost host, object signal, string? token = null) =>
        (await host.Post("/api/signals", signal, token ?? Api.Ingest, expect: 202)).Read<Accepted>();

    public static async Task<Accepted[]> SendSignals(this IAlbaHost host, IEnumerable<object> signals, string? token = null) =>
        (await host.Post("/api/signals/batch", signals.ToArray(), token ?? Api.Ingest, expect: 202)).Read<Accepted[]>();

    public static async Task<Guid> DeclareIncident(this IAlbaHost host, string title = "Employee activity dataset exposed",
        string severity = "high", bool restricted = false, string? token = null)
    {
        var created = await host.Post("/api/incidents",
            new { title, severity, restricted, summary = "Readable by staff outside its allow-list." }, token ?? Api.Commander, expect: 201);
        return created.ReadJson().GetProperty("id").GetGuid();
    }

    public static async Task<IncidentView> Incident(this IAlbaHost host, Guid id, string? token = null) =>
        (await host.Get($"/api/incidents/{id}", token)).Read<IncidentView>();

    public static async Task<TimelineView[]> Timeline(this IAlbaHost host, Guid id, string? token = null) =>
        (await host.Get($"/api/incidents/{id}/timeline", token)).Read<TimelineView[]>();

    public static async Task<IncidentView[]> Incidents(this IAlbaHost host, string query = "", string? token = null) =>
        (await host.Get($"/api/incidents{query}", token)).Read<IncidentView[]>();
}
