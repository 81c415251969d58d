using IncidentOrchestrator.Access;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Detection;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks.Catalogue;
using IncidentOrchestrator.Security;
using Marten;

namespace IncidentOrchestrator.Catalogue;

/// <summary>
/// Who holds which privileges on a dataset's table now, read from its database when asked, each judged by the catalogue
/// (a role without standing access holds a grant nobody approved), for any door. What cannot be read is said, not failed.
/// Grants name roles, and a grant nobody approved is what a restricted incident is about: only those who answer for the
/// dataset (its owner and stewards), privacy and administrators see them.
/// </summary>
public sealed class DatasetGrantsRead(CatalogueFolder folder, DatasetAccess access, ScannedAccess scanned, NamedConnections connections,
    IDocumentStore store, TimeProvider clock, ILogger<DatasetGrantsRead> logger)
{
    /// <summary>How long a read waits for a dataset's database before it says it did not answer.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    public static bool MaySee(Caller caller, Dataset dataset) => MaySee(caller, dataset.Owner, dataset.Stewards);

    /// <summary>Whether the caller answers for a dataset owned by <paramref name="owner"/> and stewarded by <paramref name="stewards"/>, or is
    /// privacy or an administrator: who sees its grants, and who may open and read its access reviews.</summary>
    public static bool MaySee(Caller caller, string owner, IEnumerable<string> stewards) => caller.IsAdmin || caller.Roles.Contains(Roles.Privacy)
        || caller.IsAddressedAs(owner) || stewards.Any(caller.IsAddressedAs);

    /// <summary>The same rule for a dataset the catalogue may no longer hold (null): privacy and administrators only.</summary>
    public static bool MaySeeAny(Caller caller, Dataset? dataset) =>
        dataset is not null ? MaySee(caller, dataset) : caller.IsAdmin || caller.Roles.Contains(Roles.Privacy);

    public async Task<Outcome<DatasetGrants>> ReadAsync(string name, Caller caller, CancellationToken ct)
    {
        if (folder.Catalogue.Find(name) is not { } d) return DatasetEndpoints.NoSuchDataset(name);
        if (!MaySee(caller, d))
            return Refusal.Forbidden("Not for you to see", $"Who holds access to {d.Name} is shown to its owner and stewards, privacy and administrators.");
        var isScanned = scanned.Scans(d);
        DatasetGrants Unchecked(string why) => new(d.Name, d.Connection, d.Object, clock.GetUtcNow(), isScanned, [], why);
        if (access.WhyNotChecked(d) is { } why) return Unchecked(why);
        using var within = new CancellationTokenSource(Within, clock);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, within.Token);
        try
        {
            await using var db = await connections.Get(d.Connection).OpenConnectionAsync(both.Token);
            if (await Catalog.FindTableAsync(db, d.Object, both.Token) is not { } table)
                return Unchecked($"the database '{d.Connection}' has no table {d.Object}");
            var grants = await Catalog.GrantsAsync(db, table, both.Token);
            await using var session = store.QuerySession();
            var granted = await LiveGrants.ListAsync(session, clock.GetUtcNow(), both.Token, d.Connection);
            return new DatasetGrants(d.Name, d.Connection, d.Object, clock.GetUtcNow(), isScanned, grants.Select(g =>
                d.Standing.Contains(g.Grantee, StringComparer.Ordinal) ? new DatasetGrantView(g.Grantee, g.Privileges, true)
                : granted.Covering(d.Connection, d.Object, g.Grantee, g.Privileges) is { } request ? new DatasetGrantView(g.Grantee, g.Privileges, true, request.Id, request.EndsAt)
                : new DatasetGrantView(g.Grantee, g.Privileges, false)).ToList(), null);
        }
        catch (ArgumentException e)
        {
            logger.LogWarning(e, "The connection {Connection} of dataset {Dataset} is not a valid connection string", d.Connection, d.Name);
            return Unchecked($"the connection '{d.Connection}' is not a valid connection string (Connections__{d.Connection}; the service's log says why)");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // The reason stays in the log: a reader sees that it failed, not the warehouse's address or login.
            logger.LogWarning(e, "The grants of dataset {Dataset} could not be read from {Connection}", d.Name, d.Connection);
            return Unchecked($"the database '{d.Connection}' did not answer within {Within.TotalSeconds:0} s, or refused (the service's log says why)");
        }
    }
}
