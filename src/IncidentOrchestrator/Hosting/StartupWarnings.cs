namespace IncidentOrchestrator.Hosting;

/// <summary>A part of the service with something to say once at start: a setting it reads for one more release, a part of its configuration it cannot act on.</summary>
public interface IStartupWarnings
{
    IReadOnlyList<(LogLevel Level, string Text)> Warnings();
}

/// <summary>Says at start what every <see cref="IStartupWarnings"/> has to say.</summary>
public sealed class StartupWarnings(IEnumerable<IStartupWarnings> sources, ILogger<StartupWarnings> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        foreach (var source in sources)
        foreach (var (level, text) in source.Warnings())
            logger.Log(level, "{Warning}", text);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Registers <typeparamref name="T"/> once, as itself and as a source of warnings.</summary>
    public static IServiceCollection Add<T>(IServiceCollection services) where T : class, IStartupWarnings
    {
        services.AddSingleton<T>();
        services.AddSingleton<IStartupWarnings>(sp => sp.GetRequiredService<T>());
        if (services.All(d => d.ImplementationType != typeof(StartupWarnings))) services.AddHostedService<StartupWarnings>();
        return services;
    }
}
