namespace IncidentOrchestrator.Web;

/// <summary>
/// The web console: pages rendered on the server (Razor components returned as results), made live with htmx and
/// its server-sent-events extension, over the same application code and the same need-to-know rule as the API.
/// </summary>
public static class Configuration
{
    public static IServiceCollection AddWebConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddSingleton<Hosting.IRefusalPage, ConsoleRefusals>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "incident-console-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__antiforgery";
        });
        return services;
    }

    /// <summary>Security headers on every response.</summary>
    public static WebApplication UseWebConsole(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
                                            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            return next(context);
        });
        return app;
    }

    public static WebApplication MapWebConsole(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets(); // wwwroot, from the build's manifest: served the same from bin/, a publish folder or a container
        ConsoleEndpoints.Map(app);
        return app;
    }
}
