using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace IncidentOrchestrator.Hosting;

/// <summary>Every error leaves the service as RFC 9457 problem details.</summary>
public static class ErrorHandling
{
    public static IServiceCollection AddIncidentErrorHandling(this IServiceCollection services, IConfiguration configuration)
    {
        var maxBody = configuration.GetValue<long?>("Intake:MaxRequestBodyBytes") ?? 4 * 1024 * 1024;
        services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = maxBody);
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    public static WebApplication UseIncidentErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestSizeLimit>();
        return app;
    }
}

/// <summary>Refuses a declared oversize body before anything reads it.</summary>
public sealed class RequestSizeLimit(RequestDelegate next, IConfiguration configuration)
{
    private readonly long _max = configuration.GetValue<long?>("Intake:MaxRequestBodyBytes") ?? 4 * 1024 * 1024;

    public Task InvokeAsync(HttpContext context) =>
        context.Request.ContentLength > _max
            ? Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
                detail: $"The body is {context.Request.ContentLength} bytes; the limit is {_max} bytes.").ExecuteAsync(context)
            : next(context);
}

public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        (int status, string title, string detail) = exception switch
        {
            JasperFx.ConcurrencyException => (StatusCodes.Status409Conflict, "Concurrent change",
                "The incident changed while this request was handled; read it again and retry."),
            Microsoft.AspNetCore.Http.BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error",
                "The request failed; nothing was changed. The error is logged with the trace id."),
        };
        if (status >= 500) logger.LogError(exception, "Unhandled error on {Path}", context.Request.Path);

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
