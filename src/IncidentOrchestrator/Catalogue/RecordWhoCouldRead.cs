using System.Security.Cryptography;
using System.Text.Json;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Playbooks.Actions;

namespace IncidentOrchestrator.Catalogue;

/// <summary>
/// <c>dataset.who-could-read</c>: what <see cref="WhoCouldRead"/> answers for a dataset at an instant (by default when the incident
/// opened), kept as the incident's evidence with its SHA-256, one row per grant: the exposure's scope as the product knew it.
/// Drift is linked to this incident only: another incident's id is not for everyone who may read this one's evidence.
/// </summary>
public sealed class RecordWhoCouldRead(WhoCouldRead whoCouldRead) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("dataset.who-could-read")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var name = context.Text("dataset");
        var incident = await context.Session.LoadAsync<Incidents.Incident>(context.IncidentId, ct);
        var instant = incident?.OpenedAt ?? context.Now;
        if (context.OptionalText("at") is { Length: > 0 } at && !DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out instant))
            throw new ActionFailedException($"'at' is '{at}', not a time (ISO 8601)");
        var found = await whoCouldRead.ComputeAsync(name, instant, context.Session, i => i.Id == context.IncidentId, ct)
                    ?? throw new ActionFailedException($"no dataset named '{name}' is or was in the catalogue");
        var rows = found.Entries.Select(e => new Dictionary<string, object?>
        {
            ["kind"] = e.Kind, ["grantee"] = e.Grantee, ["from"] = e.From, ["until"] = e.Until, ["source"] = e.Source, ["purpose"] = e.Purpose,
            ["approvedBy"] = string.Join(", ", e.ApprovedBy), ["datasetHash"] = e.DatasetHash,
        }).ToList();
        var json = JsonSerializer.Serialize(rows);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)));
        var evidence = new EvidenceItem
        {
            Id = Guid.CreateVersion7(), IncidentId = context.IncidentId, RunId = context.RunId, StepId = context.StepId,
            Name = $"who could read {name} at {instant:u}", Connection = "catalogue", Query = $"GET /api/datasets/{name}/access?at={instant:O}",
            Columns = ["kind", "grantee", "from", "until", "source", "purpose", "approvedBy", "datasetHash"], Content = json, RowCount = rows.Count,
            Truncated = false, Sha256 = sha256, CapturedAt = context.Now,
        };
        context.Session.Store(evidence);
        context.RecordOnIncident(new EvidenceCaptured(context.IncidentId, evidence.Id, evidence.Name, rows.Count, false, sha256, $"playbook:{context.RunId:N}",
            context.Now));
        return new ActionResult(new Dictionary<string, object?> { ["evidenceId"] = evidence.Id, ["rows"] = rows.Count, ["sha256"] = sha256 });
    }
}
