using JasperFx.Events.Projections;
using Marten;

namespace IncidentOrchestrator.Signals;

public sealed class IntakeOptions
{
    public int MaxBatchSize { get; set; } = 1000;
}

public static class Configuration
{
    public static StoreOptions ConfigureSignals(this StoreOptions opts)
    {
        opts.Projections.Add(new OpenFingerprintProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<OpenFingerprint>().Index(x => x.IncidentId);
        return opts;
    }

    public static IServiceCollection AddSignalIntake(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Intake").Get<IntakeOptions>() ?? new IntakeOptions());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SignalIntake>();
        return services;
    }
}
