using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Web.Pages;
using Marten;
using static IncidentOrchestrator.Web.ConsoleResults;

namespace IncidentOrchestrator.Web;

/// <summary>The dataset catalogue in the console: the datasets, and each one's declaration and versions.</summary>
public static class ConsoleDatasets
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/datasets", (HttpContext context, CatalogueFolder folder) => Page<DatasetsPage>(new
        {
            Signed = context.User.Caller(), Datasets = DatasetEndpoints.List(folder), folder.LoadError,
        })).Through(DatasetEndpoints.List);

        console.MapGet("/datasets/{name}", async (string name, HttpContext context, CatalogueFolder folder, IQuerySession session,
            DatasetAccess access, Detection.ScannedAccess scanned, Actions.Postgres.NamedConnections connections, TimeProvider clock,
            ILogger<DatasetGrants> logger, CancellationToken ct) =>
        {
            var found = DatasetEndpoints.Find(name, folder);
            if (found.Refused is { } refused)
                return RefusalPage(context, refused);
            var versions = await DatasetEndpoints.VersionsAsync(name, folder, session, ct);
            var grants = await DatasetEndpoints.GrantsAsync(name, folder, access, scanned, connections, clock, logger, ct);
            return Page<DatasetPage>(new { Signed = context.User.Caller(), Dataset = found.Value, Versions = versions.Value ?? [], Grants = grants.Value });
        }).Through(DatasetEndpoints.Get, DatasetEndpoints.Versions, DatasetEndpoints.Grants);
    }
}
