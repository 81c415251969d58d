using IncidentOrchestrator.Playbooks.Model;
using JasperFx.Events.Projections;
using Marten;

namespace IncidentOrchestrator.Access;

/// <param name="PendingFor">How long a request may wait for its decision before it expires (<c>Access__PendingFor</c>, default 24h).</param>
/// <param name="ReviewWithin">How long an access review's owner has to answer before it escalates; as long again, and a restricted dataset's
/// unanswered grants are revoked (<c>Access__ReviewWithin</c>, default 7d).</param>
/// <param name="ReviewCheckEvery">How often the service looks for datasets whose periodic review is due (<c>Access__ReviewCheckEvery</c>, default 1h;
/// 0 turns periodic reviews off).</param>
public sealed record AccessOptions(TimeSpan PendingFor, TimeSpan ReviewWithin, TimeSpan ReviewCheckEvery)
{
    public static readonly TimeSpan DefaultPendingFor = TimeSpan.FromHours(24);

    public AccessOptions(TimeSpan pendingFor) : this(pendingFor, TimeSpan.FromDays(7), TimeSpan.FromHours(1)) { }

    public static AccessOptions From(IConfiguration configuration) => new(
        Read(configuration, "PendingFor", DefaultPendingFor), Read(configuration, "ReviewWithin", TimeSpan.FromDays(7)),
        Read(configuration, "ReviewCheckEvery", TimeSpan.FromHours(1), zeroAllowed: true));

    private static TimeSpan Read(IConfiguration configuration, string name, TimeSpan fallback, bool zeroAllowed = false) =>
        configuration[$"Access:{name}"] is not { Length: > 0 } text ? fallback
        : text == "0" && zeroAllowed ? TimeSpan.Zero
        : Durations.TryParse(text, out var value) && (value > TimeSpan.Zero || (zeroAllowed && value == TimeSpan.Zero)) ? value
        : throw new InvalidOperationException($"Access__{name} is '{text}', which is not a duration (like 24h or 3d)");
}

public static class Configuration
{
    public static IServiceCollection AddAccess(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(AccessOptions.From(configuration)).AddSingleton<Reviews.AccessReviews>()
            .AddHostedService<Reviews.PeriodicAccessReviews>();

    public static StoreOptions ConfigureAccess(this StoreOptions opts)
    {
        opts.Projections.Add(new AccessRequestProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new Reviews.AccessReviewProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<Reviews.AccessReview>().Duplicate(x => x.OpenedAt, configure: index => index.Columns = ["opened_at", "id"]).Index(x => x.Dataset);
        opts.Schema.For<AccessRequest>()
            .Duplicate(x => x.RequestedAt, configure: index => index.Columns = ["requested_at", "id"])
            .Index(x => x.Status);
        return opts;
    }
}
