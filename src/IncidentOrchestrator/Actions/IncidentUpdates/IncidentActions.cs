using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Actions;

namespace IncidentOrchestrator.Actions.IncidentUpdates;

/// <summary>
/// The actions that change the incident itself. They only record events on it, so the run executes them in its own turn
/// and appends their events with the step's result, exactly once.
/// </summary>
public abstract class IncidentAction : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find(Name)!;

    protected abstract string Name { get; }

    public abstract Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct);

    protected static string By(ActionContext context) => $"playbook:{context.RunId:N}";
}

public sealed class SetSeverity : IncidentAction
{
    protected override string Name => "incident.set-severity";

    public override async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        if (ApiJson.Value<Severity>(context.Text("severity")) is not { } severity)
            throw new ActionFailedException($"'{context.Text("severity")}' is not one of {string.Join(", ", ApiJson.Names<Severity>())}");
        var incident = context.Incident ?? await context.Session.LoadAsync<Incident>(context.IncidentId, ct)
                       ?? throw new ActionFailedException("the incident does not exist");
        if (incident.Severity != severity)
            context.RecordOnIncident(new IncidentSeverityChanged(context.IncidentId, incident.Severity, severity, By(context), context.Now));
        return new ActionResult(new Dictionary<string, object?> { ["severity"] = ApiJson.Name(severity) });
    }
}

public sealed class AddNote : IncidentAction
{
    protected override string Name => "incident.add-note";

    public override Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        context.RecordOnIncident(new IncidentNoteAdded(context.IncidentId, context.Text("note"), By(context), context.Now));
        return Task.FromResult(ActionResult.Empty);
    }
}

public sealed class Notify : IncidentAction
{
    protected override string Name => "incident.notify";

    public override Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        context.RecordOnIncident(
            new IncidentNotified(context.IncidentId, context.Text("message"), context.OptionalText("to"), By(context), context.Now));
        return Task.FromResult(ActionResult.Empty);
    }
}
