using IncidentOrchestrator.Access;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Catalogue;
using IncidentOrchestrator.Security;
using Marten;
using Marten.Linq.MatchesSql;

namespace IncidentOrchestrator.Catalogue;

/// <summary>
/// Who could read a dataset at an instant, as the product knows it: the roles the catalogue let read it without asking (the
/// version of its file in force then), the grants of access requests live then (who approved each, under which versions), and
/// the drift the scanner had detected and that was not contained yet (resolved). For those who see a dataset's grants.
/// </summary>
public sealed class WhoCouldRead(CatalogueFolder folder, TimeProvider clock)
{
    public const string Standing = "standing", Requested = "requested", BreakGlass = "break-glass", Drift = "drift";

    public async Task<Outcome<DatasetAccessAt>> ReadAsync(string name, string? at, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var instant = clock.GetUtcNow();
        if (!string.IsNullOrWhiteSpace(at) && !DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out instant))
            return Refusal.Invalid(new Problems.Validation().Add("at", $"'{at}' is not a time (ISO 8601, like 2026-12-01T09:00:00Z).")
                .ToProblem("The access query is not valid"));
        var current = folder.Catalogue.Find(name);
        if (current is not null && !DatasetGrantsRead.MaySeeAny(caller, current))
            return Refusal.Forbidden("Not for you to see", $"Who could read {name} is shown to its owner and stewards, privacy and administrators.");
        var found = await ComputeAsync(name, instant, session, caller.CanSee, ct);
        if (found is null) return DatasetEndpoints.NoSuchDataset(name);
        if (current is null && !DatasetGrantsRead.MaySeeAny(caller, null))
            return Refusal.Forbidden("Not for you to see", $"Who could read {name} is shown to its owner and stewards, privacy and administrators.");
        return found;
    }

    /// <summary>The answer for anyone allowed to ask (a person admitted above, or a playbook recording it as evidence); null for a dataset
    /// the catalogue never held. <paramref name="linksTo"/> says which drift incidents may be named by id.</summary>
    public async Task<DatasetAccessAt?> ComputeAsync(string name, DateTimeOffset instant, IQuerySession session, Func<Incident, bool> linksTo,
        CancellationToken ct)
    {
        var versions = await session.Query<DatasetVersion>().Where(v => v.Name == name).ToListAsync(ct);
        var current = folder.Catalogue.Find(name);
        if (current is null && versions.Count == 0) return null;

        var entries = new List<DatasetAccessEntry>();
        // The version of its file in force then: the one first loaded last before the instant.
        var inForce = versions.Where(v => v.FirstLoadedAt <= instant).MaxBy(v => v.FirstLoadedAt);
        var declared = inForce is null ? null : DatasetParser.Parse($"{name}.yaml", inForce.Text, new ErrorSink($"{name}.yaml"));
        if (declared is not null)
            entries.AddRange(declared.Standing.Select(role => new DatasetAccessEntry(Standing, role, inForce!.FirstLoadedAt, null, null, null, [], inForce.Id)));

        var requests = await session.Query<AccessRequest>().Where(r => r.Dataset == name && r.GrantedAt != null && r.GrantedAt <= instant).ToListAsync(ct);
        entries.AddRange(requests.Where(r => r.HoldsAGrant ? true : r.EndedAt > instant).Select(r => new DatasetAccessEntry(r.BreakGlass ? BreakGlass : Requested, r.Grantee,
            r.GrantedAt!.Value, r.HoldsAGrant ? r.EndsAt : r.EndedAt, r.Id, r.Purpose,
            // A break-glass grant was approved by nobody first; its review, if any, says who kept it.
            r.BreakGlass ? (r.Review is { Decision: Approvals.ApprovalRule.Approved } kept ? [kept.By] : [])
                : Approvals.ApprovalRule.ApprovedBy(r.Decisions, r.RequestedBy), r.DatasetHash)));

        var d = declared ?? current;
        if (d is not null)
        {
            var prefix = $"{d.Connection}:{d.Object}:";
            var drifted = await session.Query<Incident>()
                .Where(i => i.OpenedAt <= instant && i.MatchesSql("exists (select 1 from jsonb_array_elements_text(d.data -> 'fingerprints') f where f like ?)",
                    prefix.Replace("%", "\\%").Replace("_", "\\_") + "%"))
                .ToListAsync(ct);
            foreach (var incident in drifted.Where(i => (i.ContainedAt ?? i.ResolvedAt ?? i.ClosedAt ?? DateTimeOffset.MaxValue) > instant))
            foreach (var fingerprint in incident.Fingerprints.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)))
                entries.Add(new DatasetAccessEntry(Drift, fingerprint[prefix.Length..], incident.FirstObservedAt ?? incident.OpenedAt,
                    incident.ContainedAt ?? incident.ResolvedAt ?? incident.ClosedAt, linksTo(incident) ? incident.Id : null, null, [], null));
        }
        return new DatasetAccessAt(name, instant, inForce?.Id, entries.OrderBy(e => e.Grantee, StringComparer.Ordinal).ThenBy(e => e.Kind).ToList());
    }
}
