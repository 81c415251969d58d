using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace IncidentOrchestrator.Playbooks;

public static class ListPlaybooksEndpoint
{
    [WolverineGet("/api/playbooks"), Authorize(Roles = Roles.Readers)]
    public static IReadOnlyList<PlaybookSummary> Get(PlaybookCatalog catalog) =>
        catalog.Library.Playbooks.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(PlaybookViews.Summary).ToList();
}

public static class GetPlaybookEndpoint
{
    [WolverineGet("/api/playbooks/{name}"), Authorize(Roles = Roles.Readers)]
    public static Results<Ok<PlaybookDefinition>, ProblemHttpResult> Get(string name, PlaybookCatalog catalog) =>
        catalog.Library.Find(name) is { } playbook
            ? TypedResults.Ok(PlaybookViews.Definition(playbook))
            : Problems.NotFound("Playbook", name);
}
