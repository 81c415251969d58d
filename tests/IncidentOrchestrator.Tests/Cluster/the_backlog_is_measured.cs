using System.Diagnostics.Metrics;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Cluster;

public sealed class the_backlog_is_measured(RunsFixture fixture) : RunContext(fixture)
{
    [Fact]
    public async Task a_waiting_run_shows_in_the_scheduled_backlog_gauge_and_in_readiness()
    {
        var incident = await Incident();
        await Host.StartRun(incident, "test-long-wait", new { key = Key }); // a wait of an hour: a scheduled message

        long scheduled = 0;
        // Other test hosts in this process have the same gauge: listen to this host's meter only.
        var meters = Host.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "incidents.scheduled.backlog") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => scheduled = value);
        listener.Start();
        await RunScenarios.Eventually(() =>
        {
            listener.RecordObservableInstruments();
            return Task.FromResult(scheduled);
        }, value => value >= 1, TimeSpan.FromSeconds(20), "the scheduled backlog gauge to count the wait");

        var ready = (await Host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBeOk();
        })).ReadAsText();
        var cluster = System.Text.Json.JsonDocument.Parse(ready).RootElement.GetProperty("checks").GetProperty("cluster");
        Assert.True(cluster.GetProperty("status").GetString() == "Healthy", ready);
        // In-process test hosts run alone (solo); the several-node tests see "is in the cluster".
        Assert.Matches(@"^Node \S+ (runs alone \(solo\)|is in the cluster); \d+ message\(s\) in the inbox, [1-9]\d* scheduled\.$",
            cluster.GetProperty("description").GetString());
    }
}
