using System.Net.Http.Json;
using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.RealServer;

/// <summary>A console form posts a form, not the API's JSON: the operation behind it must take what the form carries.</summary>
[Collection(PublishedServiceCollection.Name)]
public sealed class the_consoles_forms_reach_their_operations(PublishedServiceFixture service)
{
    [Fact]
    public async Task the_run_pages_cancel_button_cancels_the_run()
    {
        using var http = service.Client(PublishedServiceFixture.Everything);
        var declared = await http.PostAsJsonAsync("/api/incidents", new { title = "Cancelled from the console", severity = "low", restricted = false, summary = "" });
        var id = (await declared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var started = await http.PostAsJsonAsync($"/api/incidents/{id}/runs", new { playbook = "privacy-notification", inputs = new { dataset = "hr.employee_activity" } });
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString();

        using var console = await ConsoleSession.SignInAsync(service.Url, PublishedServiceFixture.Everything);
        var (_, page) = await console.GetAsync($"/incidents/{id}/runs/{runId}");
        var cancel = ConsoleSession.Forms(page).Single(f => f.Action.EndsWith("/cancel"));
        using var answer = await console.PostAsync(cancel.Action, cancel.Fields);
        Assert.True((int)answer.StatusCode < 400, $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");

        var status = "";
        for (var tries = 0; tries < 100 && status != "cancelled"; tries++, await Task.Delay(100))
            status = (await http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/runs/{runId}")).GetProperty("status").GetString();
        Assert.Equal("cancelled", status);
    }
}
