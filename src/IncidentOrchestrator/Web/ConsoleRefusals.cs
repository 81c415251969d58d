using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Web;

/// <summary>A console form the door refused (a NUL in a field) gets a page that says which field, not the API's JSON.</summary>
public sealed class ConsoleRefusals : IRefusalPage
{
    public bool Serves(HttpContext context) => !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/openapi");

    public Task WriteAsync(HttpContext context, IncomingText.Refusal refusal) => ConsoleResults.Page<Pages.MessagePage>(new
    {
        Signed = context.User.Identity?.IsAuthenticated == true ? context.User.Caller() : null,
        Heading = "The form was refused",
        Text = $"{refusal.Field}: {refusal.Message} Nothing was changed; go back, correct it and send it again.",
    }, StatusCodes.Status400BadRequest).ExecuteAsync(context);
}
