using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Runs;

/// <summary>Playbooks are files: the service follows them without a restart, and never half-loads a broken set.</summary>
public sealed class when_playbook_files_change(RunsFixture fixture) : RunContext(fixture)
{
    private string Name => $"test-hot-{Key}";
    private string File => Path.Combine(Fixture.Playbooks, Name + ".yaml");

    private string Playbook(string title) => $$$"""
        apiVersion: incidents/v1
        kind: Playbook
        name: {{{Name}}}
        title: {{{title}}}
        inputs:
          key: { type: string, required: true }
        steps:
          - id: record
            action: test.record
            with: { value: "{{ inputs.key }}-hot" }
        """;

    private async Task<string?> HashOf(string name)
    {
        using var client = Host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Api.Commander);
        using var response = await client.GetAsync($"/api/playbooks/{name}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("hash").GetString();
    }

    [Fact]
    public async Task a_new_or_edited_playbook_is_picked_up_and_runs_under_way_keep_the_text_they_started_with()
    {
        try
        {
            await System.IO.File.WriteAllTextAsync(File, Playbook("First version"));
            var first = await RunScenarios.Eventually(() => HashOf(Name), h => h is not null);

            var incident = await Incident();
            var runId = await Host.StartRun(incident, Name, new { key = Key });
            Assert.Equal("succeeded", (await Host.RunEnded(incident, runId)).Status);

            await System.IO.File.WriteAllTextAsync(File, Playbook("Second version"));
            var second = await RunScenarios.Eventually(() => HashOf(Name), h => h != first);
            Assert.NotNull(second);
            Assert.Equal(first, (await Host.Run(incident, runId)).PlaybookHash);

            System.IO.File.Delete(File);
            await RunScenarios.Eventually(() => HashOf(Name), h => h is null);
        }
        finally
        {
            System.IO.File.Delete(File);
        }
    }

    [Fact]
    public async Task a_broken_file_is_reported_and_the_last_valid_set_keeps_running()
    {
        var broken = Path.Combine(Fixture.Playbooks, $"broken-{Key}.yaml");
        try
        {
            await System.IO.File.WriteAllTextAsync(broken, "apiVersion: incidents/v1\nkind: Playbook\nname: [\n");

            var refused = (await Host.Post("/api/playbooks/reload", null, Api.Commander, expect: 422)).ReadJson();
            Assert.False(refused.GetProperty("loaded").GetBoolean());
            var error = refused.GetProperty("errors")[0];
            Assert.Equal($"broken-{Key}.yaml", error.GetProperty("file").GetString());
            Assert.True(error.GetProperty("line").GetInt32() > 0);
            Assert.Contains(refused.GetProperty("playbooks").EnumerateArray(), p => p.GetProperty("name").GetString() == "sensitive-data-exposure");
            Assert.NotNull(await HashOf("sensitive-data-exposure")); // still running the last valid set

            var ready = await Host.Server.CreateClient().GetAsync("/health/ready");
            Assert.Equal(200, (int)ready.StatusCode);
            Assert.Contains("Degraded", await ready.Content.ReadAsStringAsync());
        }
        finally
        {
            System.IO.File.Delete(broken);
        }
        var reloaded = (await Host.Post("/api/playbooks/reload", null, Api.Commander, expect: 200)).ReadJson();
        Assert.True(reloaded.GetProperty("loaded").GetBoolean());
        await Host.Post("/api/playbooks/reload", null, Api.Responder, expect: 403);
    }
}
