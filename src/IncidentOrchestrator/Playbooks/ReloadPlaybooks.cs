using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Playbooks;

public sealed record ReloadErrorView(string File, int Line, int Column, string Code, string Message)
{
    public static ReloadErrorView Of(PlaybookError e) => new(Path.GetFileName(e.File), e.Line, e.Column, e.Code, e.Message);
}

/// <param name="Playbooks">What runs from now on: the new set when it loaded, else the last valid one.</param>
public sealed record ReloadResult(bool Loaded, IReadOnlyList<PlaybookSummary> Playbooks, IReadOnlyList<ReloadErrorView> Errors);

public static class ReloadPlaybooksEndpoint
{
    /// <summary>Reads the playbook folder again now (the service also does so when a file changes): 200, or 422 with every error.</summary>
    [WolverinePost("/api/playbooks/reload"), Authorize(Roles = Roles.CommandersAndAdmins)]
    public static IResult Post(PlaybookCatalog catalog)
    {
        var errors = catalog.Reload();
        var result = new ReloadResult(errors.Count == 0 && catalog.IsReady,
            catalog.Library.Playbooks.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(PlaybookViews.Summary).ToList(),
            errors.Select(ReloadErrorView.Of).ToList());
        return result.Loaded ? TypedResults.Ok(result) : TypedResults.Json(result, statusCode: StatusCodes.Status422UnprocessableEntity);
    }
}
