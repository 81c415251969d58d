using Alba;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Incidents;

public sealed class when_a_busy_quarter_is_paged_through(AppFixture fixture) : IntegrationContext(fixture)
{
    private static readonly string Otto = Tokens.For("otto.commander", Roles.Commander);

    /// <summary>Follows the Link headers from the first page to the last, as a client would.</summary>
    private async Task<List<IncidentView>> AllPages(string url, string token)
    {
        var seen = new List<IncidentView>();
        for (var next = url; next is not null;)
        {
            var page = await Host.Get(next, token);
            var items = page.Read<IncidentView[]>();
            seen.AddRange(items);
            var link = page.Context.Response.Headers["Link"].ToString();
            next = link.Length == 0 ? null : link[(link.IndexOf('<') + 1)..link.IndexOf('>')];
            if (next is not null) Assert.Equal(50, items.Length);
        }
        return seen;
    }

    [Fact]
    public async Task twelve_hundred_incidents_are_each_seen_once_in_order_and_restricted_ones_only_by_those_who_may()
    {
        // 1,100 detected (two batches), 100 declared restricted by Cora.
        for (var batch = 0; batch < 2; batch++)
            await Host.SendSignals(Enumerable.Range(0, 550).Select(i => Scenarios.Signal($"quarter-{batch}-{i}", title: $"drift {batch}-{i}")));
        var restricted = new List<Guid>();
        for (var i = 0; i < 100; i++) restricted.Add(await Host.DeclareIncident($"restricted exposure {i}", restricted: true));

        var cora = await AllPages("/api/incidents", Api.Commander);
        Assert.Equal(1200, cora.Count);
        Assert.Equal(1200, cora.Select(i => i.Id).Distinct().Count());
        Assert.Equal(cora.OrderByDescending(i => i.OpenedAt).ThenByDescending(i => i.Id.ToString(), StringComparer.Ordinal).Select(i => i.Id), cora.Select(i => i.Id));
        Assert.Equal(cora.Select(i => i.OpenedAt).OrderDescending(), cora.Select(i => i.OpenedAt));

        var otto = await AllPages("/api/incidents", Otto);
        Assert.Equal(1100, otto.Count);
        Assert.DoesNotContain(otto, i => i.Restricted);
        Assert.Equal(1200, (await AllPages("/api/incidents?status=open", Api.Admin)).Count);

        Assert.Equal(restricted.OrderDescending(), (await AllPages("/api/incidents?restricted=true", Api.Commander)).Select(i => i.Id).OrderDescending());
        Assert.Equal(["restricted exposure 42"], (await Host.Incidents("?q=EXPOSURE%2042", Api.Commander)).Select(i => i.Title));
        Assert.Equal(500, (await Host.Incidents("?limit=500", Api.Commander)).Length);
    }

    [Fact]
    public async Task filters_narrow_the_list_and_bad_paging_values_are_refused()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var low = await Host.DeclareIncident("a low one", severity: "low");
        var high = await Host.DeclareIncident("a high one", severity: "high");
        await Host.Post($"/api/incidents/{low}/status", new { status = "resolved" }, expect: 204);

        Assert.Equal([high, low], (await Host.Incidents("?status=open,resolved")).Select(i => i.Id));
        Assert.Equal([high], (await Host.Incidents("?severity=high,critical&commander=me")).Select(i => i.Id));
        Assert.Empty(await Host.Incidents($"?to={Uri.EscapeDataString(from.ToString("O"))}"));
        Assert.Equal(2, (await Host.Incidents($"?from={Uri.EscapeDataString(from.ToString("O"))}")).Length);

        foreach (var bad in new[] { "?limit=abc", "?limit=0", "?limit=501", "?cursor=not-a-cursor", "?restricted=perhaps", "?status=gone", "?from=yesterday" })
            await Host.Get($"/api/incidents{bad}", expect: 400);
    }

    [Fact]
    public async Task tasks_and_approvals_page_the_same_way()
    {
        await Host.Get("/api/tasks?limit=abc", expect: 400);
        await Host.Get("/api/tasks?status=lost", expect: 400);
        await Host.Get("/api/approvals?cursor=zzz", expect: 400);
        await Host.Get("/api/approvals?status=maybe", expect: 400);
        var empty = await Host.Get("/api/tasks?limit=5");
        Assert.Empty(empty.Read<object[]>());
        Assert.Empty(empty.Context.Response.Headers["Link"].ToString());
    }
}
