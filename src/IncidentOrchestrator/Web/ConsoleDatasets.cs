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
            DatasetGrantsRead grantsRead, CancellationToken ct) =>
        {
            var found = DatasetEndpoints.Find(name, folder);
            if (found.Refused is { } refused)
                return RefusalPage(context, refused);
            var versions = await DatasetEndpoints.VersionsAsync(name, folder, session, ct);
            var grants = await grantsRead.ReadAsync(name, context.User.Caller(), ct);
            return Page<DatasetPage>(new
            {
                Signed = context.User.Caller(), Dataset = found.Value, Versions = versions.Value ?? [], Grants = grants.Value,
                GrantsRefused = grants.Refused?.Detail,
            });
        }).Through(DatasetEndpoints.Get, DatasetEndpoints.Versions, DatasetEndpoints.Grants);
    }
}
