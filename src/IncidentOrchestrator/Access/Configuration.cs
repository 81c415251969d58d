using IncidentOrchestrator.Playbooks.Model;
using JasperFx.Events.Projections;
using Marten;

namespace IncidentOrchestrator.Access;

/// <param name="PendingFor">How long a request may wait for its decision before it expires (<c>Access__PendingFor</c>, default 24h).</param>
public sealed record AccessOptions(TimeSpan PendingFor)
{
    public static readonly TimeSpan DefaultPendingFor = TimeSpan.FromHours(24);

    public static AccessOptions From(IConfiguration configuration) => configuration["Access:PendingFor"] is not { Length: > 0 } text
        ? new AccessOptions(DefaultPendingFor)
        : Durations.TryParse(text, out var pendingFor) && pendingFor > TimeSpan.Zero
            ? new AccessOptions(pendingFor)
            : throw new InvalidOperationException($"Access__PendingFor is '{text}', which is not a duration (like 24h or 3d)");
}

public static class Configuration
{
    public static IServiceCollection AddAccess(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(AccessOptions.From(configuration));

    public static StoreOptions ConfigureAccess(this StoreOptions opts)
    {
        opts.Projections.Add(new AccessRequestProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<AccessRequest>()
            .Duplicate(x => x.RequestedAt, configure: index => index.Columns = ["requested_at", "id"])
            .Index(x => x.Status);
        return opts;
    }
}
