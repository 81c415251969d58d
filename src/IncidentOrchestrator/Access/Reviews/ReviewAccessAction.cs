using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Access.Reviews;

/// <summary>
/// <c>access.review</c>: an incident on a dataset reviews its access now (<see cref="AccessReviews"/>), the review linked to the incident, whose
/// timeline says so (which review, and how many grants: whose they are is for those who answer for the dataset). Its id follows from the step's idempotency key: a retried or redelivered step finds the review it opened.
/// </summary>
public sealed class ReviewAccess(CatalogueFolder folder, DatasetAccess access, AccessReviews reviews) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("access.review")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var name = context.Text("dataset");
        if (folder.Catalogue.Find(name) is not { } d) throw new ActionFailedException($"no dataset named '{name}' is in the catalogue");
        if (access.WhyNotChecked(d) is { } why) throw new ActionFailedException($"{d.Name}'s access cannot be reviewed here: {why}");
        TimeSpan? within = null;
        if (context.OptionalText("within") is { Length: > 0 } text)
            within = Durations.TryParse(text, out var given) && given > TimeSpan.Zero ? given : throw new ActionFailedException($"'within' is '{text}', not a duration");

        var id = StableIds.Of($"access-review:{context.IdempotencyKey}");
        if (await context.Session.LoadAsync<AccessReview>(id, ct) is { } already)
            return new ActionResult(new Dictionary<string, object?> { ["reviewId"] = already.Id.ToString(), ["grants"] = already.Items.Count });
        var (opened, messages) = await reviews.PrepareAsync(d, id, ReviewTriggers.Incident, context.IncidentId, $"playbook:{context.RunId:N}", within, null,
            context.Session, context.Now, ct);
        AccessReviews.Begin(context.Session, opened);
        context.RecordOnIncident(new AccessReviewOpenedForIncident(context.IncidentId, id, d.Name, opened.Items.Count, opened.OpenedBy, context.Now));
        return new ActionResult(new Dictionary<string, object?> { ["reviewId"] = id.ToString(), ["grants"] = opened.Items.Count }, messages);
    }
}
