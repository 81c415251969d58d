using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Tasks;

namespace IncidentOrchestrator.FollowUps;

/// <summary>
/// <c>followup.create</c>: a playbook step creates a follow-up by the same rule as a person does (<see cref="FollowUpCreation"/>). Its id follows
/// from the step, so a retried or redelivered step creates it once.
/// </summary>
public sealed class CreateFollowUpAction(FollowUpOptions options, Rotations rotations) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("followup.create")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var incident = context.Incident ?? await context.Session.LoadAsync<Incident>(context.IncidentId, ct)
                       ?? throw new ActionFailedException("the incident does not exist");
        var id = StableIds.Of($"followup:{context.IdempotencyKey}");
        if (incident.FollowUps.Find(f => f.Id == id) is { } existing) return Outputs(id, existing.Owner, existing.DueAt);

        var request = new CreateFollowUp(context.Text("title"), context.OptionalText("description"), context.OptionalText("owner"), context.OptionalText("due"),
            context.OptionalText("priority"), FollowUpCreation.TagsOf(context.Parameters.GetValueOrDefault("tags")) is { Count: > 0 } tags ? tags : null);
        var decided = FollowUpCreation.Decide(incident, request, id, $"playbook:{context.RunId:N}", mayGrantNeedToKnow: true, context.Now, options, rotations,
            $"{context.RunId:N}:{context.StepId}");
        if (decided.Refused is { } refused)
            throw new ActionFailedException(string.Join("; ", refused.Errors?.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}") ?? [refused.Detail]));
        var created = decided.Value!;
        foreach (var e in created.Events) context.RecordOnIncident(e);
        return Outputs(id, created.Event.Owner, created.Event.DueAt) with
        {
            FollowUps = [(created.Notice, TimeSpan.Zero), .. created.Timers.Select(t => (t.Message, t.At - context.Now))],
        };
    }

    private static ActionResult Outputs(Guid id, string owner, DateTimeOffset dueAt) =>
        new(new Dictionary<string, object?> { ["followUpId"] = id.ToString(), ["owner"] = owner, ["dueAt"] = dueAt.ToString("O") });
}
