using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>Base of the scenario tests: every test starts from an empty incident store.</summary>
[Collection(IntegrationCollection.Name)]
public abstract class IntegrationContext(AppFixture fixture) : IAsyncLifetime
{
    protected AppFixture Fixture { get; } = fixture;
    protected IAlbaHost Host => Fixture.Host;
    protected IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public virtual async Task InitializeAsync() => await DatabaseOwner.ResetAsync(Host, Fixture.ConnectionString);

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
