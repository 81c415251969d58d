using Alba;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

[Collection(RunsCollection.Name)]
public abstract class RunContext(RunsFixture fixture)
{
    protected RunsFixture Fixture { get; } = fixture;
    protected IAlbaHost Host => Fixture.Host;

    /// <summary>A fresh key per test: test actions record values under it, so counts belong to this test alone.</summary>
    protected string Key { get; } = Guid.NewGuid().ToString("N")[..10];

    protected Task<Guid> Incident() => Host.DeclareIncident($"run scenario {Key}");
}
