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

        console.MapGet("/datasets/{name}", async (string name, HttpContext context, CatalogueFolder folder, IQuerySession session, CancellationToken ct) =>
        {
            if (folder.Catalogue.Find(name) is not { } dataset)
                return Page<MessagePage>(new { Signed = context.User.Caller(), Heading = "Not found", Text = $"No dataset named {name} is in the catalogue." },
                    StatusCodes.Status404NotFound);
            var versions = await DatasetEndpoints.VersionsAsync(name, folder, session, ct);
            return Page<DatasetPage>(new
            {
                Signed = context.User.Caller(), Dataset = DatasetEndpoints.Definition(dataset, folder.Catalogue.Hash), Versions = versions.Value ?? [],
            });
        }).Through(DatasetEndpoints.Get, DatasetEndpoints.Versions);
    }
}
