using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace IncidentOrchestrator.Web;

/// <summary>How console endpoints answer: a page, the same 404 page for "absent" and "not yours to see", and commands run like the API's.</summary>
public static class ConsoleResults
{
    public static IResult Page<TComponent>(object parameters, int status = StatusCodes.Status200OK) where TComponent : IComponent =>
        new RazorComponentResult<TComponent>(parameters) { StatusCode = status };

    public static IResult NotFound(HttpContext context, string what = "incident") => Page<Pages.MessagePage>(new
    {
        Signed = context.User.Caller(),
        Heading = "Not found",
        Text = $"No {what} with that id exists, or you may not see it. Restricted incidents are need-to-know: ask its commander to add you.",
    }, StatusCodes.Status404NotFound);

    /// <summary>
    /// The API's need-to-know gate in front of every console route that names an incident, a task or an approval, chosen
    /// by its route (<see cref="NeedToKnowPolicy.GateFor"/>) as the API's generated code chooses it: no page opts in or out.
    /// An id the caller may not see gets the same not-found page as one that does not exist.
    /// </summary>
    public static async ValueTask<object?> NeedToKnow(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (NeedToKnowPolicy.GateFor((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText) is not { } gate) return await next(invocation);
        return await gate.Admit(context.RequestServices.GetRequiredService<NeedToKnowGate>(), context) switch
        {
            NeedToKnowGate.Admission.Admitted => await next(invocation),
            NeedToKnowGate.Admission.NotFound => NotFound(context, gate.What),
            _ => RefusalPage(context, Refusal.ReadNotRecorded),
        };
    }

    /// <summary>A refusal as a page of its own, with the status its kind gives.</summary>
    public static IResult RefusalPage(HttpContext context, Refusal refused) =>
        Page<Pages.MessagePage>(new { Signed = context.User.Caller(), Heading = refused.Title, Text = refused.Detail }, refused.Status());

    /// <summary>A refusal as the problem shown beside the form, with the status the page answers with.</summary>
    public static ProblemDetails? ProblemOf(Refusal? refusal) => refusal?.ToProblem();

    /// <summary>After a form: back to the page (303, so a reload does not post again); htmx follows it as a boosted navigation.</summary>
    public static IResult SeeOther(string url) => new SeeOtherResult(url);

    private sealed class SeeOtherResult(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = url;
            return Task.CompletedTask;
        }
    }

    /// <summary>Only local paths: a sign-in never sends anyone elsewhere.</summary>
    public static string LocalOr(string? url, string fallback) =>
        url is { Length: > 1 } u && u[0] == '/' && u[1] != '/' && u[1] != '\\' ? u : fallback;
}
