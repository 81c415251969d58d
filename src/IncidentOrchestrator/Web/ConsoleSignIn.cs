using System.Security.Claims;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace IncidentOrchestrator.Web;

/// <summary>
/// Signing in to the console: a person pastes a token (never in a URL: URLs end up in logs and history). The token
/// is checked exactly as the API checks bearer tokens; its claims go into an HttpOnly, SameSite=Strict cookie that
/// expires when the token does.
/// </summary>
public static class ConsoleSignIn
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Path = "/signin";

    public static AuthenticationBuilder AddConsoleCookie(this AuthenticationBuilder builder) => builder.AddCookie(Scheme, o =>
    {
        o.Cookie.Name = "incident-console";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.LoginPath = Path;
        o.LogoutPath = "/signout";
        o.AccessDeniedPath = "/forbidden";
        o.SlidingExpiration = false;
        o.Events.OnRedirectToLogin = context => Redirect(context, context.RedirectUri);
        o.Events.OnRedirectToAccessDenied = context => Redirect(context, context.RedirectUri);
    });

    /// <summary>htmx follows an <c>HX-Redirect</c> header with a whole-page navigation; a plain request gets a 302.</summary>
    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context, string uri)
    {
        if (context.Request.Headers.ContainsKey("HX-Request"))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers["HX-Redirect"] = uri;
        }
        else context.Response.Redirect(uri);
        return Task.CompletedTask;
    }

    /// <summary>Checks a pasted token as the API would, and signs its subject in; null and a reason when it is not valid.</summary>
    public static async Task<string?> SignInAsync(HttpContext context, string? token)
    {
        if (string.IsNullOrWhiteSpace(token)) return "Paste a token.";
        var bearer = context.RequestServices.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = bearer.TokenValidationParameters.Clone();
        if (bearer.ConfigurationManager is { } manager)
            parameters.IssuerSigningKeys = (await manager.GetConfigurationAsync(context.RequestAborted)).SigningKeys;
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token.Trim(), parameters);
        if (!result.IsValid) return "That token is not valid here: it is expired, malformed, or not signed for this service.";

        var claims = result.ClaimsIdentity.Claims.Where(c => c.Type is TokenClaims.Subject or TokenClaims.Name or TokenClaims.Role).ToList();
        if (claims.All(c => c.Type != TokenClaims.Subject)) return $"That token names nobody (it has no '{TokenClaims.Subject}' claim).";
        var identity = new ClaimsIdentity(claims, Scheme, TokenClaims.Name, TokenClaims.Role);
        var expires = result.SecurityToken.ValidTo is var to && to > DateTime.UnixEpoch ? new DateTimeOffset(to, TimeSpan.Zero) : DateTimeOffset.UtcNow.AddHours(1);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = true });
        return null;
    }
}
