using Alba;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Console;

/// <summary>The pages' HTML on the server: status codes, need-to-know and escaping, read as a bearer client would (the browser tests sign in with a cookie).</summary>
public sealed class the_console_pages(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>";

    private Task<IScenarioResult> Page(string url, string token, int expect = 200) => Host.Scenario(x =>
    {
        x.Get.Url(url);
        x.WithBearerToken(token);
        x.StatusCodeShouldBe(expect);
    });

    [Fact]
    public async Task every_page_answers_with_html_and_the_security_headers()
    {
        var incident = await Host.DeclareIncident("An ordinary incident");
        foreach (var url in new[] { "/incidents", $"/incidents/{incident}", $"/incidents/{incident}/report", $"/incidents/{incident}/access-log", "/work",
                     "/playbooks", "/playbooks/sensitive-data-exposure", "/leadership", "/programmes", "/datasets", "/datasets/hr.employee_activity",
                     "/access", $"/incidents/{incident}/start?playbook=insider-bulk-download" })
        {
            var page = await Page(url, Api.Commander);
            Assert.StartsWith("text/html", page.Context.Response.ContentType);
            var csp = page.Context.Response.Headers.ContentSecurityPolicy.ToString();
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("nosniff", page.Context.Response.Headers.XContentTypeOptions.ToString());
            Assert.Contains("</html>", page.ReadAsText());
        }
    }

    [Fact]
    public async Task a_datasets_page_shows_the_grants_on_its_table_only_to_those_who_answer_for_it()
    {
        var forCommander = (await Page("/datasets/hr.employee_activity", Api.Commander)).ReadAsText();
        Assert.Contains("is shown to its owner and stewards, privacy and administrators", forCommander);

        var forPrivacy = (await Page("/datasets/hr.employee_activity", Tokens.For("pia.privacy", Roles.Privacy))).ReadAsText();
        Assert.DoesNotContain("is shown to its owner", forPrivacy);
        Assert.Contains("Not checked: the connection &#x27;warehouse&#x27; is not configured here", forPrivacy); // this host has no warehouse
    }

    [Fact]
    public async Task the_incident_list_pages_with_the_lists_own_cursor_and_keeps_its_filter()
    {
        var key = Guid.NewGuid().ToString("N")[..10];
        var ids = new List<Guid>();
        for (var i = 0; i < 51; i++) ids.Add(await Host.DeclareIncident($"Paged {key} {i:00}"));

        var first = (await Page($"/incidents?q={key}", Api.Commander)).ReadAsText();
        var next = System.Text.RegularExpressions.Regex.Match(first, "<a href=\"([^\"]+)\" rel=\"next\">").Groups[1].Value.Replace("&amp;", "&");
        Assert.StartsWith("/incidents?", next);
        Assert.Contains($"q={key}", next);
        Assert.Contains("cursor=", next);
        Assert.Equal(50, System.Text.RegularExpressions.Regex.Matches(first, $"Paged {key} ").Count);

        var second = (await Page(next, Api.Commander)).ReadAsText();
        Assert.Contains($"Paged {key} 00", second); // the oldest, alone on the second page
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(second, $"Paged {key} "));
        Assert.DoesNotContain("rel=\"next\"", second);
    }

    [Fact]
    public async Task a_hostile_title_is_shown_as_text_everywhere()
    {
        var incident = await Host.DeclareIncident(Hostile);

        foreach (var url in new[] { "/incidents", $"/incidents/{incident}", $"/incidents/{incident}/report" })
        {
            var html = (await Page(url, Api.Commander)).ReadAsText();
            Assert.DoesNotContain("<script>alert", html);
            Assert.DoesNotContain("<img src=x", html);
            Assert.Contains("&lt;script&gt;", html);
        }
    }

    [Fact]
    public async Task a_restricted_incident_is_the_not_found_page_for_those_without_need_to_know_and_the_refusal_is_recorded()
    {
        var incident = await Host.DeclareIncident("Need-to-know only", restricted: true);

        var page = await Page($"/incidents/{incident}", Api.Responder, 404);
        Assert.Contains("Not found", page.ReadAsText());
        Assert.DoesNotContain("Need-to-know only", page.ReadAsText());
        await Page($"/incidents/{incident}/report", Api.Responder, 404);
        await Page($"/incidents/{Guid.NewGuid()}", Api.Admin, 404);
        Assert.Contains("Need-to-know only", (await Page($"/incidents/{incident}", Api.Commander)).ReadAsText());

        var log = (await Host.Get($"/api/incidents/{incident}/access-log", Api.Commander)).ReadJson();
        Assert.Contains(log.EnumerateArray(), e => e.GetProperty("subject").GetString() == "rui.responder" && e.GetProperty("outcome").GetString() == "denied");
        Assert.Contains(log.EnumerateArray(), e => e.GetProperty("subject").GetString() == "cora.commander"
                                                  && e.GetProperty("endpoint").GetString() == "GET /incidents/{id:guid}");
    }

    [Fact]
    public async Task without_a_session_the_console_sends_people_to_sign_in()
    {
        var page = await Host.Scenario(x =>
        {
            x.Get.Url("/incidents");
            x.StatusCodeShouldBe(302);
        });
        Assert.StartsWith("/signin", new Uri(page.Context.Response.Headers.Location.ToString(), UriKind.RelativeOrAbsolute) is { IsAbsoluteUri: true } u
            ? u.PathAndQuery : page.Context.Response.Headers.Location.ToString());
        await Host.Scenario(x =>
        {
            x.Get.Url("/signin");
            x.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task a_form_posted_without_its_antiforgery_token_changes_nothing()
    {
        await Host.Scenario(x =>
        {
            x.Post.FormData(new Dictionary<string, string> { ["title"] = "forged", ["severity"] = "high" }).ToUrl("/incidents");
            x.WithBearerToken(Api.Commander);
            x.StatusCodeShouldBe(400);
        });
        Assert.Empty(await Host.Incidents("?q=forged"));
    }

    [Fact]
    public async Task pages_follow_the_roles_of_the_api()
    {
        await Page("/leadership", Api.Responder, 403);
        await Page("/leadership", Api.Leadership);
        await Page($"/incidents/{await Host.DeclareIncident("x")}/access-log", Api.Leadership, 403);
        await Page("/incidents", Tokens.For("scanner", Roles.Ingest), 403);
    }

    [Fact]
    public async Task a_restricted_incident_the_live_list_pushes_is_recorded_as_read()
    {
        using var client = Host.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/incidents/live");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Api.Admin);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        while (await reader.ReadLineAsync(cts.Token) is { } line && line != "event: connected") { }

        var id = await Host.DeclareIncident("Pushed live", restricted: true);
        while (await reader.ReadLineAsync(cts.Token) is { } line && !line.Contains(id.ToString())) { }

        var log = (await Host.Get($"/api/incidents/{id}/access-log", Api.Admin)).Read<List<AccessLogEntry>>();
        Assert.Contains(log, e => e.Subject == "ada.admin" && e.Endpoint.Contains("/incidents/live"));
    }
}
