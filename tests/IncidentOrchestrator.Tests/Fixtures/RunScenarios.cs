using System.Diagnostics;
using System.Text.Json;
using Alba;

namespace IncidentOrchestrator.Tests.Fixtures;

public sealed record StepView(string Id, string Status, string? Outcome, int Attempts, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt,
    JsonElement Outputs, string? Error, bool Escalated);

public sealed record RunView(Guid RunId, string Playbook, string PlaybookHash, string Status, string? Reason, DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt, StepView[] Steps)
{
    public StepView Step(string id) => Steps.Single(s => s.Id == id);
}

/// <summary>Runs in the incident story: start one, then wait — on a condition, never a fixed sleep — for it to get somewhere.</summary>
public static class RunScenarios
{
    public static readonly string[] Ended = ["succeeded", "failed", "compensated", "cancelled"];

    public static async Task<Guid> StartRun(this IAlbaHost host, Guid incidentId, string playbook, object? inputs = null) =>
        (await host.Post($"/api/incidents/{incidentId}/runs", new { playbook, inputs = inputs ?? new { } }, expect: 202))
        .ReadJson().GetProperty("runId").GetGuid();

    public static async Task<RunView> Run(this IAlbaHost host, Guid incidentId, Guid runId, string? token = null) =>
        (await host.Get($"/api/incidents/{incidentId}/runs/{runId}", token ?? Api.Admin)).Read<RunView>();

    public static Task<RunView> RunEnded(this IAlbaHost host, Guid incidentId, Guid runId, TimeSpan? within = null) =>
        host.RunUntil(incidentId, runId, r => Ended.Contains(r.Status), within, "ended");

    public static Task<RunView> RunUntil(this IAlbaHost host, Guid incidentId, Guid runId, Func<RunView, bool> condition,
        TimeSpan? within = null, string what = "reached the condition") =>
        Eventually(() => host.Run(incidentId, runId), condition, within, $"Run {runId} has not {what}");

    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan? within = null,
        string what = "Condition not met")
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (condition(value)) return value;
            if (deadline.Elapsed > (within ?? TimeSpan.FromSeconds(30)))
                throw new TimeoutException($"{what} within {within ?? TimeSpan.FromSeconds(30)}; last value: {JsonSerializer.Serialize(value)}");
            await Task.Delay(50);
        }
    }
}
