using IncidentOrchestrator.Playbooks;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Catalogue;

/// <param name="Datasets">What is in use from now on: the new catalogue when it loaded, else the last valid one.</param>
public sealed record CatalogueReloaded(bool Loaded, string CatalogueHash, IReadOnlyList<DatasetSummary> Datasets, IReadOnlyList<ReloadErrorView> Errors);

public static class ReloadCatalogueEndpoint
{
    /// <summary>
    /// Reads the catalogue's folder again now (the service also does so when a file changes, once the folder exists):
    /// 200, or 422 with every error.
    /// </summary>
    [WolverinePost("/api/datasets/reload"), Authorize(Roles = Roles.CommandersAndAdmins)]
    public static IResult Post(CatalogueFolder folder)
    {
        var errors = folder.Reload();
        var result = new CatalogueReloaded(errors.Count == 0 && folder.IsReady, folder.Catalogue.Hash, DatasetEndpoints.List(folder),
            errors.Select(ReloadErrorView.Of).ToList());
        return result.Loaded ? TypedResults.Ok(result) : TypedResults.Json(result, statusCode: StatusCodes.Status422UnprocessableEntity);
    }
}
