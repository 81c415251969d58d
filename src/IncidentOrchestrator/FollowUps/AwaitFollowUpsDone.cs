using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Timeline;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.FollowUps;

/// <summary>A <c>followups.done</c> step waiting for its follow-ups: woken when a follow-up of its incident moves.</summary>
public sealed class FollowUpGate
{
    /// <summary>The step's action execution key.</summary>
    public string Id { get; set; } = "";

    public Guid IncidentId { get; set; }
    public Guid RunId { get; set; }
    public string StepId { get; set; } = "";
    public int Attempt { get; set; }
    public Dictionary<string, JsonElement> Parameters { get; set; } = [];
}

/// <summary>The follow-ups a <c>followups.done</c> step waited for are all done (or declared not to be).</summary>
public sealed record FollowUpsSettled(Guid IncidentId, IReadOnlyList<string> Tags, IReadOnlyList<Guid> Done, IReadOnlyList<Guid> WontDo, Guid RunId, string StepId,
    DateTimeOffset At) : ITimelineEvent
{
    string ITimelineEvent.Actor => "system";
    string ITimelineEvent.Describe() => $"Every follow-up tagged {string.Join(" and ", Tags)} is settled: {Done.Count} done" +
                                        (WontDo.Count > 0 ? $", {WontDo.Count} will not be done (for the approvers to weigh)" : "");
}

/// <summary>A follow-up of the incident moved: a <c>followups.done</c> step waiting on it looks again.</summary>
public sealed record FollowUpsMoved(Guid IncidentId);

/// <summary>
/// <c>followups.done</c>: the step ends once every follow-up of the incident carrying all of <c>tags</c> is done or won't-do (at least one must
/// exist: a gate on nothing would pass by mistake), and records which. Until then it waits: each follow-up that moves wakes it, and it looks
/// again every <see cref="ActionResult.WaitingRecheck"/> besides.
/// </summary>
public sealed class AwaitFollowUpsDone : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("followups.done")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var tags = Tags(context.Parameters.GetValueOrDefault("tags"));
        if (tags.Count == 0) throw new ActionFailedException("'tags' names no tag");
        var key = ActionExecution.KeyFor(context.IncidentId, context.RunId, context.StepId, false);
        var followUps = (await context.Session.Query<FollowUp>().Where(f => f.IncidentId == context.IncidentId).ToListAsync(ct))
            .Where(f => tags.All(f.Tags.Contains)).OrderBy(f => f.CreatedAt).ToList();
        var run = await context.Session.LoadAsync<PlaybookRun>(context.RunId, ct);
        if (followUps.Count == 0 || followUps.Any(f => f.IsPending))
        {
            if (run is { HasEnded: true }) // nothing waits any more: its run ignores what this says
            {
                context.Session.Delete<FollowUpGate>(key);
                return ActionResult.Empty;
            }
            context.Session.Store(new FollowUpGate
            {
                Id = key, IncidentId = context.IncidentId, RunId = context.RunId, StepId = context.StepId, Attempt = context.Attempt,
                Parameters = context.Parameters.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value)),
            });
            return new ActionResult(new Dictionary<string, object?> { ["pending"] = followUps.Where(f => f.IsPending).Select(f => f.Id.ToString()).ToList() })
                { Waiting = true };
        }
        context.Session.Delete<FollowUpGate>(key);
        var done = followUps.Where(f => f.Status == FollowUpStatuses.Done).Select(f => f.Id).ToList();
        var wontDo = followUps.Where(f => f.Status == FollowUpStatuses.WontDo).Select(f => f.Id).ToList();
        context.RecordOnIncident(new FollowUpsSettled(context.IncidentId, tags, done, wontDo, context.RunId, context.StepId, context.Now));
        return new ActionResult(new Dictionary<string, object?>
        {
            ["done"] = done.Select(id => id.ToString()).ToList(), ["wontDo"] = wontDo.Select(id => id.ToString()).ToList(), ["count"] = followUps.Count,
        });
    }

    private static List<string> Tags(object? value) => value switch
    {
        null => [],
        string text => FollowUpCreation.SplitTags(text),
        IEnumerable<object?> items => [.. items.Select(i => Playbooks.Expressions.Evaluator.Display(i)).Where(t => t.Length > 0)],
        _ => [Playbooks.Expressions.Evaluator.Display(value)],
    };
}

/// <summary>A follow-up moved: every <c>followups.done</c> step waiting on its incident tries again now.</summary>
public static class FollowUpsMovedHandler
{
    public static async Task<OutgoingMessages> Handle(FollowUpsMoved moved, IQuerySession session, CancellationToken ct)
    {
        var woken = new OutgoingMessages();
        foreach (var gate in await session.Query<FollowUpGate>().Where(g => g.IncidentId == moved.IncidentId).ToListAsync(ct))
            woken.Add(new ExecuteAction(gate.IncidentId, gate.RunId, gate.StepId, gate.Attempt, false, "followups.done", gate.Parameters, null));
        return woken;
    }
}
