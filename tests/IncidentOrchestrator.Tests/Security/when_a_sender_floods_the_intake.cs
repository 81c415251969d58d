using Alba;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Security;

/// <summary>A host of its own, with small quotas, so the limits do not touch the other scenarios.</summary>
public sealed class when_a_sender_floods_the_intake : IAsyncLifetime
{
    private IAlbaHost _host = null!;

    public async Task InitializeAsync() => _host = await AppFixture.StartHostAsync(await TestDatabase.CreateDatabaseAsync("ratelimit"),
        settings: new Dictionary<string, string>
        {
            ["RateLimits:Signals:PermitLimit"] = "5", ["RateLimits:Signals:WindowSeconds"] = "60",
            ["RateLimits:Api:PermitLimit"] = "20", ["RateLimits:Api:WindowSeconds"] = "60",
        });

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

    [Fact]
    public async Task any_caller_flooding_the_api_gets_429_and_others_are_not_held_back()
    {
        var scraper = Tokens.For("scraping.reader", Roles.Leadership);
        for (var i = 0; i < 20; i++) await _host.Get("/api/incidents", scraper);

        var refused = await _host.Get("/api/incidents", scraper, expect: 429);
        Assert.Equal("Too many requests", refused.Read<ProblemView>().Title);
        Assert.True(int.Parse(refused.Context.Response.Headers.RetryAfter.ToString()) is > 0 and <= 60);
        await _host.Post("/api/incidents", new { title = "t", severity = "high" }, Tokens.For("scraping.reader", Roles.Commander), expect: 429);

        await _host.Get("/api/incidents", Tokens.For("calm.reader", Roles.Leadership));
        Assert.Empty(await _host.Incidents(token: Api.Admin)); // the refused declaration changed nothing
    }
}
