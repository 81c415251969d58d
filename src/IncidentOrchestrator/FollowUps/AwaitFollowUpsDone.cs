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

    /// <summary>When its step looks again by itself (a wake-up may come sooner).</summary>
    public DateTimeOffset? NextCheckAt { get; set; }

    /// <summary>The step's action, to be executed again.</summary>
    public ExecuteAction Command() => new(IncidentId, RunId, StepId, Attempt, false, "followups.done", Parameters, null);
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
        var tags = FollowUpCreation.TagsOf(context.Parameters.GetValueOrDefault("tags"));
        if (tags.Count == 0) throw new ActionFailedException("'tags' names no tag");
        if (tags.Select(FollowUpCreation.TagProblem).FirstOrDefault(p => p is not null) is { } wrong) throw new ActionFailedException(wrong);
        tags = [.. tags.Select(FollowUpCreation.Normal).Distinct()];
        var key = ActionExecution.KeyFor(context.IncidentId, context.RunId, context.StepId, false);
        var gate = await context.Session.LoadAsync<FollowUpGate>(key, ct);

        // Its step may have ended meanwhile (the run cancelled, compensated, or the step skipped by the commander): nothing waits any more,
        // and what this says is not heard.
        var run = await context.Session.LoadAsync<PlaybookRun>(context.RunId, ct);
        if (run is null || run.HasEnded || run.Steps.GetValueOrDefault(context.StepId) is not { Status: Playbooks.Running.StepStatuses.Running })
        {
            if (gate is not null) context.Session.Delete(gate);
            return ActionResult.Empty;
        }

        var followUps = (await context.Session.Query<FollowUp>().Where(f => f.IncidentId == context.IncidentId).ToListAsync(ct))
            .Where(f => tags.All(f.Tags.Contains)).OrderBy(f => f.CreatedAt).ToList();
        if (followUps.Count == 0 || followUps.Any(f => f.IsPending))
        {
            // One look-again timer at a time: a wake-up that finds the step still waiting does not start another.
            var recheck = gate?.NextCheckAt is { } next && next > context.Now ? null : (DateTimeOffset?)context.Now + ActionResult.WaitingRecheck;
            gate ??= new FollowUpGate { Id = key, IncidentId = context.IncidentId, RunId = context.RunId, StepId = context.StepId };
            gate.Attempt = context.Attempt;
            gate.Parameters = context.Parameters.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value));
            if (recheck is { } at) gate.NextCheckAt = at;
            context.Session.Store(gate);
            return new ActionResult(new Dictionary<string, object?> { ["pending"] = followUps.Where(f => f.IsPending).Select(f => f.Id.ToString()).ToList() },
                recheck is null ? [] : [(gate.Command(), ActionResult.WaitingRecheck)]) { Waiting = true };
        }
        if (gate is not null) context.Session.Delete(gate);
        var done = followUps.Where(f => f.Status == FollowUpStatuses.Done).Select(f => f.Id).ToList();
        var wontDo = followUps.Where(f => f.Status == FollowUpStatuses.WontDo).Select(f => f.Id).ToList();
        context.RecordOnIncident(new FollowUpsSettled(context.IncidentId, tags, done, wontDo, context.RunId, context.StepId, context.Now));
        return new ActionResult(new Dictionary<string, object?>
        {
            ["done"] = done.Select(id => id.ToString()).ToList(), ["wontDo"] = wontDo.Select(id => id.ToString()).ToList(), ["count"] = followUps.Count,
            ["wontDoCount"] = wontDo.Count,
        });
    }
}

/// <summary>A follow-up moved: every <c>followups.done</c> step waiting on its incident tries again now.</summary>
public static class FollowUpsMovedHandler
{
    public static async Task<OutgoingMessages> Handle(FollowUpsMoved moved, IQuerySession session, CancellationToken ct)
    {
        var woken = new OutgoingMessages();
        foreach (var gate in await session.Query<FollowUpGate>().Where(g => g.IncidentId == moved.IncidentId).ToListAsync(ct))
            woken.Add(gate.Command());
        return woken;
    }
}
