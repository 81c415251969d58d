using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Marten;

namespace IncidentOrchestrator.Hosting;

/// <summary>Calls an API endpoint's method from elsewhere (the console's forms, Slack's buttons) with the same checks and messages.</summary>
public static class EndpointCommands
{
    /// <summary>
    /// Runs one of the API's command endpoints with a session and the transactional outbox, as Wolverine runs it for the API:
    /// the changes are saved only when it succeeds. Returns the endpoint's own answer.
    /// </summary>
    public static async Task<IResult> RunAsync(HttpContext context, Func<IDocumentSession, Wolverine.IMessageBus, Task<IResult>> command)
    {
        var outbox = context.RequestServices.GetRequiredService<IMartenOutbox>();
        await using var session = context.RequestServices.GetRequiredService<IDocumentStore>().LightweightSession();
        outbox.Enroll(session);
        var result = await command(session, outbox);
        if (Succeeded(result)) await session.SaveChangesAsync(context.RequestAborted);
        return result;
    }

    public static bool Succeeded(IResult result) => result is IStatusCodeHttpResult { StatusCode: < 400 } or NoContent or Accepted;
}
