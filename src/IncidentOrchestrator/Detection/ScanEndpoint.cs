using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Detection;

public static class ScanEndpoint
{
    /// <summary>Runs an ACL-drift scan now and lists every drift found (new ones become signals).</summary>
    [WolverinePost("/api/detection/scan"), Authorize(Roles = Roles.Admin)]
    public static async Task<IResult> Post(AclDriftScanner scanner, CancellationToken ct) => scanner.Enabled
        ? TypedResults.Ok(await scanner.ScanAsync(ct))
        : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Detection is not configured",
            detail: "Declare the datasets to check in the catalogue (Catalogue__Path), each on a connection the service has (Connections__<name>).");
}
