using System.Collections.Concurrent;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Playbooks.Actions;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// Actions that exist only in tests, with outside effects the tests can count: every execution is
/// recorded with its idempotency key, so "executed twice" is something a test can see.
/// </summary>
public static class TestActions
{
    public static readonly ConcurrentQueue<(string Key, string Action, string Value, DateTimeOffset At)> Executions = new();
    private static readonly ConcurrentDictionary<string, int> Failures = new();

    public static IReadOnlyList<string> ValuesFor(string prefix) =>
        Executions.Where(e => e.Value.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Value).ToList();

    public static int CountFor(string value) => Executions.Count(e => e.Value == value);

    public static IAction[] All => [new Record(), new Sleep(), new Flaky(), new Fail()];

    private static ActionDescriptor Describe(string name, string[] required, string[]? optional = null) =>
        new(name, "test action", required, optional ?? [], [], ["value"]);

    /// <summary><c>test.record</c>: records <c>value</c> and succeeds.</summary>
    private sealed class Record : IAction
    {
        public ActionDescriptor Descriptor => Describe("test.record", ["value"]);

        public Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
        {
            Executions.Enqueue((context.IdempotencyKey, "test.record", context.Text("value"), DateTimeOffset.UtcNow));
            return Task.FromResult(new ActionResult(new Dictionary<string, object?> { ["value"] = context.Text("value") }));
        }
    }

    /// <summary><c>test.sleep</c>: waits <c>ms</c> milliseconds, records <c>value</c>, succeeds.</summary>
    private sealed class Sleep : IAction
    {
        public ActionDescriptor Descriptor => Describe("test.sleep", ["ms", "value"]);

        public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
        {
            await Task.Delay(TimeSpan.FromMilliseconds((double)(decimal)context.Parameters["ms"]!), ct);
            Executions.Enqueue((context.IdempotencyKey, "test.sleep", context.Text("value"), DateTimeOffset.UtcNow));
            return ActionResult.Empty;
        }
    }

    /// <summary><c>test.flaky</c>: fails the first <c>failures</c> executions for its <c>value</c>, then succeeds.</summary>
    private sealed class Flaky : IAction
    {
        public ActionDescriptor Descriptor => Describe("test.flaky", ["value", "failures"]);

        public Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
        {
            var value = context.Text("value");
            Executions.Enqueue((context.IdempotencyKey, "test.flaky", value, DateTimeOffset.UtcNow));
            var failed = Failures.AddOrUpdate(value, 1, (_, n) => n + 1);
            if (failed <= (decimal)context.Parameters["failures"]!)
                throw new ActionFailedException($"flaky failure {failed} of {value}");
            return Task.FromResult(ActionResult.Empty);
        }
    }

    /// <summary><c>test.fail</c>: always fails with <c>value</c> as the error.</summary>
    private sealed class Fail : IAction
    {
        public ActionDescriptor Descriptor => Describe("test.fail", ["value"]);

        public Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
        {
            Executions.Enqueue((context.IdempotencyKey, "test.fail", context.Text("value"), DateTimeOffset.UtcNow));
            throw new ActionFailedException(context.Text("value"));
        }
    }
}
