using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IncidentOrchestrator.Telemetry;

public static class IncidentTelemetry
{
    public const string Name = "IncidentOrchestrator";
    public static readonly ActivitySource Source = new(Name);

    public static IServiceCollection AddIncidentTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IncidentMetrics>();
        // Collected only when a collector is configured. A listener with nowhere to send makes every request, message and
        // statement build a trace nobody reads (Npgsql writes out each batch's whole SQL for it): about a tenth of what the
        // service allocated in a run load (docs/benchmarks.md). The meters are there either way, for dotnet-counters.
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("incident-orchestrator", serviceInstanceId: Hosting.ClusterOptions.From(configuration).Node))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource("Wolverine", "Marten", Name))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddMeter("Wolverine*", "Marten", "Npgsql", Name))
            .UseOtlpExporter();
        return services;
    }
}

/// <summary>The product's own measures, beside those of ASP.NET Core, Wolverine, Marten and Npgsql.</summary>
public sealed class IncidentMetrics
{
    private readonly Counter<long> _signals;
    private readonly Counter<long> _incidentsOpened;

    public IncidentMetrics(IMeterFactory meters, IServiceProvider services)
    {
        var meter = meters.Create(IncidentTelemetry.Name);
        // Sampled by Backlog (when the service runs with a database): what waits for any node to handle it.
        meter.CreateObservableGauge("incidents.inbox.backlog", () => services.GetService<Hosting.Backlog>()?.Inbox ?? 0, "{message}",
            "Messages received and not yet handled, across the cluster");
        meter.CreateObservableGauge("incidents.scheduled.backlog", () => services.GetService<Hosting.Backlog>()?.Scheduled ?? 0, "{message}",
            "Retries, waits and timers scheduled for later, across the cluster");
        _signals = meter.CreateCounter<long>("incidents.signals.ingested", description: "Signals accepted");
        _incidentsOpened = meter.CreateCounter<long>("incidents.opened", description: "Incidents opened by signals");
    }

    public void SignalsIngested(int signals, int incidentsOpened)
    {
        _signals.Add(signals);
        if (incidentsOpened > 0) _incidentsOpened.Add(incidentsOpened);
    }
}
