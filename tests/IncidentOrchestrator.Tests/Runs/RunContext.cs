using Alba;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

[Collection(RunsCollection.Name)]
public abstract class RunContext(RunsFixture fixture)
{
    protected RunsFixture Fixture { get; } = fixture;
    protected IAlbaHost Host => Fixture.Host;

    /// <summary>A fresh key per test: test actions record values under it, so counts belong to this test alone.</summary>
    // Never all digits: a key sent as a signal's attribute from the CLI (--attr key=…) would be read as a number, which a
    // playbook's text input refuses, and one run in about a hundred would not start.
    protected string Key { get; } = "k" + Guid.NewGuid().ToString("N")[..9];

    protected Task<Guid> Incident() => Host.DeclareIncident($"run scenario {Key}");
}
