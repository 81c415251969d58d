using Alba;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Security;

/// <summary>A host of its own, with a small quota, so the limit does not touch the other scenarios.</summary>
public sealed class when_a_sender_floods_the_intake : IAsyncLifetime
{
    private IAlbaHost _host = null!;

    public async Task InitializeAsync() => _host = await AppFixture.StartHostAsync(await TestDatabase.CreateDatabaseAsync("ratelimit"),
        settings: new Dictionary<string, string> { ["RateLimits:Signals:PermitLimit"] = "5", ["RateLimits:Signals:WindowSeconds"] = "60" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task beyond_the_quota_it_gets_429_with_retry_after_and_every_accepted_signal_is_stored()
    {
        var flooder = Tokens.For("noisy-scanner", Roles.Ingest);
        var accepted = new List<Accepted>();
        for (var i = 0; i < 5; i++) accepted.Add(await _host.SendSignal(Scenarios.Signal($"flood-{i}"), flooder));

        var refused = await _host.Send(HttpMethod.Post, "/api/signals", flooder, Scenarios.Signal("flood-6"), expect: 429);
        Assert.True(int.Parse(refused.Context.Response.Headers.RetryAfter.ToString()) is > 0 and <= 60);
        Assert.Equal("Too many signals", refused.Read<ProblemView>().Title);
        await _host.Send(HttpMethod.Post, "/api/signals/batch", flooder, new[] { Scenarios.Signal("flood-7") }, expect: 429);

        // Another sender is not held back by the flood.
        await _host.SendSignal(Scenarios.Signal("other-sender"), Tokens.For("quiet-scanner", Roles.Ingest));

        var incidents = await _host.Incidents(token: Api.Admin);
        Assert.Equal(6, incidents.Length);
        Assert.Equal(accepted.Select(a => a.IncidentId).Order(), incidents.Where(i => i.Title.StartsWith("drift on flood-")).Select(i => i.Id).Order());
    }
}
