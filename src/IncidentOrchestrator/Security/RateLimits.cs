using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace IncidentOrchestrator.Security;

/// <summary>Requests per subject and window (configuration <c>RateLimits__&lt;Signals|Api&gt;__PermitLimit</c> and <c>__WindowSeconds</c>).</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; } = 10;
}

/// <summary>
/// Limits per caller, so one noisy or compromised sender or client cannot flood the service. Signal
/// intake has its own quota (<see cref="Signals"/>); every <c>/api</c> request also counts against
/// a per-subject quota (per address for requests without a valid token). A refused request gets 429
/// with Retry-After and changes nothing.
/// </summary>
public static class RateLimits
{
    public const string Signals = "signals";

    public static IServiceCollection AddIncidentRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var signals = configuration.GetSection("RateLimits:Signals").Get<RateLimit>() ?? new RateLimit { PermitLimit = 1000 };
        var api = configuration.GetSection("RateLimits:Api").Get<RateLimit>() ?? new RateLimit { PermitLimit = 1000 };
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Signals, context => RateLimitPartition.GetFixedWindowLimiter(Caller(context), _ => Window(signals)));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/api")
                    ? RateLimitPartition.GetFixedWindowLimiter(Caller(context), _ => Window(api))
                    : RateLimitPartition.GetNoLimiter("outside the API"));
            options.OnRejected = async (rejected, ct) =>
            {
                var isSignals = rejected.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Signals;
                var limit = isSignals ? signals : api;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(limit.WindowSeconds);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
                await rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = isSignals ? "Too many signals" : "Too many requests",
                        Detail = $"At most {limit.PermitLimit} {(isSignals ? "signal requests" : "requests")} per {limit.WindowSeconds} s per " +
                                 $"{(isSignals ? "sender" : "caller")}; retry in {seconds} s. Nothing of this request was stored.",
                    },
                });
            };
        });
        return services;
    }

    /// <summary>The subject of a valid token; else the address, so anonymous floods are limited per source.</summary>
    private static string Caller(HttpContext context) =>
        context.User.FindFirstValue(TokenClaims.Subject) is { } subject ? $"sub:{subject}" : $"ip:{context.Connection.RemoteIpAddress}";

    private static FixedWindowRateLimiterOptions Window(RateLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = TimeSpan.FromSeconds(limit.WindowSeconds),
        QueueLimit = 0,
    };
}
