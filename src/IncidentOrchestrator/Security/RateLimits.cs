using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace IncidentOrchestrator.Security;

/// <summary>Configuration <c>RateLimits__Signals__PermitLimit</c> and <c>__WindowSeconds</c>: requests per subject and window.</summary>
public sealed class SignalRateLimit
{
    public int PermitLimit { get; set; } = 1000;
    public int WindowSeconds { get; set; } = 10;
}

/// <summary>
/// Signal intake is limited per subject, so one noisy or compromised sender cannot flood the
/// incident store. A refused request gets 429 with Retry-After and stores nothing; an accepted one
/// is stored in full.
/// </summary>
public static class RateLimits
{
    public const string Signals = "signals";

    public static IServiceCollection AddIncidentRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limit = configuration.GetSection("RateLimits:Signals").Get<SignalRateLimit>() ?? new SignalRateLimit();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Signals, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.FindFirstValue("sub") ?? "anonymous",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = TimeSpan.FromSeconds(limit.WindowSeconds),
                    QueueLimit = 0,
                }));
            options.OnRejected = async (rejected, ct) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(limit.WindowSeconds);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
                await rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many signals",
                        Detail = $"At most {limit.PermitLimit} signal requests per {limit.WindowSeconds} s per sender; retry in {seconds} s. Nothing of this request was stored.",
                    },
                });
            };
        });
        return services;
    }
}
