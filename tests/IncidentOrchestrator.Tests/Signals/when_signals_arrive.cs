using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Signals;

public sealed class when_signals_arrive(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_new_fingerprint_opens_an_incident_and_a_repeat_joins_it()
    {
        var first = await Host.SendSignal(Scenarios.Signal("warehouse:hr.employee_activity:all_engineers"));
        var second = await Host.SendSignal(Scenarios.Signal("warehouse:hr.employee_activity:all_engineers"));

        Assert.False(first.Correlated);
        Assert.True(second.Correlated);
        Assert.Equal(first.IncidentId, second.IncidentId);
        Assert.NotEqual(first.SignalId, second.SignalId);
        Assert.Empty(first.RunIds);

        var incident = await Host.Incident(first.IncidentId);
        Assert.Equal(2, incident.SignalCount);
        Assert.Equal("open", incident.Status);
        Assert.Equal("high", incident.Severity);
        Assert.Equal("drift on warehouse:hr.employee_activity:all_engineers", incident.Title);
    }

    [Fact]
    public async Task a_signal_with_another_fingerprint_opens_another_incident()
    {
        var first = await Host.SendSignal(Scenarios.Signal("warehouse:hr.employee_activity:all_engineers"));
        var other = await Host.SendSignal(Scenarios.Signal("warehouse:hr.payroll:contractors"));

        Assert.False(other.Correlated);
        Assert.NotEqual(first.IncidentId, other.IncidentId);
    }

    [Fact]
    public async Task fifty_concurrent_signals_with_one_new_fingerprint_open_exactly_one_incident()
    {
        var signals = Enumerable.Range(0, 50)
            .Select(i => Host.SendSignal(Scenarios.Signal("warehouse:hr.employee_activity:race", title: $"read #{i}")));
        var accepted = await Task.WhenAll(signals);

        Assert.Single(accepted.Select(a => a.IncidentId).Distinct());
        Assert.Single(accepted, a => !a.Correlated);
        Assert.Equal(50, accepted.Select(a => a.SignalId).Distinct().Count());

        var incidentId = accepted[0].IncidentId;
        Assert.Single(await Host.Incidents());
        Assert.Equal(50, (await Host.Incident(incidentId)).SignalCount);

        var timeline = await Host.Timeline(incidentId);
        Assert.Equal(50, timeline.Count(t => t.Type == "SignalReceived"));
        var titles = timeline.Where(t => t.Type == "SignalReceived").Select(t => t.Data.GetProperty("title").GetString()!).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"read #{i}").ToHashSet(), titles);
    }

    [Fact]
    public async Task a_batch_of_a_thousand_with_mixed_fingerprints_answers_in_order_and_stores_every_signal()
    {
        // 1,000 signals over 100 fingerprints, 10 each, interleaved; 5 fingerprints already have an open incident.
        var preexisting = new Dictionary<string, Guid>();
        for (var f = 0; f < 5; f++)
            preexisting[$"fp-{f}"] = (await Host.SendSignal(Scenarios.Signal($"fp-{f}"))).IncidentId;

        var batch = Enumerable.Range(0, 1000).Select(i => Scenarios.Signal($"fp-{i % 100}", title: $"signal {i}")).ToArray();
        var accepted = await Host.SendSignals(batch);

        Assert.Equal(1000, accepted.Length);
        for (var i = 0; i < 1000; i++)
        {
            var fingerprint = $"fp-{i % 100}";
            var firstOfItsFingerprint = i < 100 && !preexisting.ContainsKey(fingerprint);
            Assert.Equal(!firstOfItsFingerprint, accepted[i].Correlated);
            if (preexisting.TryGetValue(fingerprint, out var existing)) Assert.Equal(existing, accepted[i].IncidentId);
            Assert.Equal(accepted[i % 100].IncidentId, accepted[i].IncidentId);
        }
        Assert.Equal(100, accepted.Select(a => a.IncidentId).Distinct().Count());
        Assert.Equal(1000, accepted.Select(a => a.SignalId).Distinct().Count());

        var incidents = await Host.Incidents("?limit=500");
        Assert.Equal(100, incidents.Length);
        Assert.Equal(1005, incidents.Sum(i => i.SignalCount));
    }

    [Fact]
    public async Task after_the_incident_is_resolved_the_same_fingerprint_opens_a_new_one()
    {
        var first = await Host.SendSignal(Scenarios.Signal("warehouse:hr.employee_activity:all_engineers"));
        await Host.Post($"/api/incidents/{first.IncidentId}/status", new { status = "resolved", reason = "grant removed" }, expect: 204);

        var again = await Host.SendSignal(Scenarios.Signal("warehouse:hr.employee_activity:all_engineers"));

        Assert.False(again.Correlated);
        Assert.NotEqual(first.IncidentId, again.IncidentId);
        Assert.Equal(1, (await Host.Incident(first.IncidentId)).SignalCount);
    }

    [Fact]
    public async Task signal_attributes_are_kept_on_the_timeline()
    {
        var accepted = await Host.SendSignal(Scenarios.Signal("fp-attr", attributes: new { dataset = "hr.employee_activity", rows = 1200 }));

        // (read by an admin: attributes are sensitive, and a detected incident has no participants yet)
        var signal = (await Host.Timeline(accepted.IncidentId, Api.Admin)).Single(t => t.Type == "SignalReceived");
        Assert.Equal("hr.employee_activity", signal.Data.GetProperty("attributes").GetProperty("dataset").GetString());
        Assert.Equal(1200, signal.Data.GetProperty("attributes").GetProperty("rows").GetInt32());
        Assert.Equal("acl-scanner", signal.Actor);
    }
}
