using System.Text.Json;
using Alba;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Playbooks;

public sealed class when_people_work_with_playbooks(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task the_list_shows_every_loaded_playbook_with_its_hash_and_triggers()
    {
        var list = (await Host.Get("/api/playbooks", Api.Leadership)).ReadJson().EnumerateArray().ToList();

        Assert.Equal(["access-break-glass", "access-request", "compromised-service-credentials", "insider-bulk-download", "privacy-notification", "sensitive-data-exposure"],
            list.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["access-break-glass", "access-request"], list.Where(p => p.GetProperty("subject").GetString() == "access-request").Select(p => p.GetProperty("name").GetString()));
        var exposure = list.Single(p => p.GetProperty("name").GetString() == "sensitive-data-exposure");
        Assert.Matches("^[0-9a-f]{64}$", exposure.GetProperty("hash").GetString());
        Assert.Equal("dataset.acl_drift", exposure.GetProperty("triggers")[0].GetProperty("signal").GetString());
        Assert.Equal("signal.severity >= 'high'", exposure.GetProperty("triggers")[0].GetProperty("when").GetString());
    }

    [Fact]
    public async Task a_definition_comes_with_its_hash_and_the_exact_text_it_is_of()
    {
        var definition = (await Host.Get("/api/playbooks/sensitive-data-exposure")).ReadJson();

        var source = definition.GetProperty("source").GetString()!;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source)));
        Assert.Equal(hash, definition.GetProperty("hash").GetString());
        Assert.Equal(File.ReadAllText(Path.Combine(AppFixture.RepositoryPlaybooks, "sensitive-data-exposure.yaml")), source);
        var revoke = definition.GetProperty("steps").EnumerateArray().First();
        Assert.Equal("revoke-grant", revoke.GetProperty("id").GetString());
        Assert.Equal("postgres.revoke", revoke.GetProperty("definition").GetProperty("action").GetString());
        Assert.Equal("{{ inputs.grantee }}", revoke.GetProperty("definition").GetProperty("with").GetProperty("grantee").GetString());

        await Host.Get("/api/playbooks/no-such-playbook", expect: 404);
    }

    [Fact]
    public async Task validating_a_good_file_answers_200()
    {
        var text = File.ReadAllText(Path.Combine(AppFixture.RepositoryPlaybooks, "insider-bulk-download.yaml"));

        var result = await Host.Scenario(x =>
        {
            x.Post.Text(text).ToUrl("/api/playbooks/validate").ContentType("application/yaml");
            x.WithBearerToken(Api.Responder);
            x.StatusCodeShouldBe(200);
        });

        Assert.True(result.ReadJson().GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task validating_a_bad_file_answers_422_with_every_problem_and_its_position()
    {
        const string text = "apiVersion: incidents/v1\nkind: Playbook\nname: Bad_Name\ntitle: t\nsteps:\n  - id: a\n    action: incident.explode\n  - id: b\n    needs: [ghost]\n    playbook: no-such-playbook\n";

        var result = await Host.Scenario(x =>
        {
            x.Post.Text(text).ToUrl("/api/playbooks/validate").ContentType("application/yaml");
            x.WithBearerToken(Api.Commander);
            x.StatusCodeShouldBe(422);
        });

        var body = result.ReadJson();
        Assert.False(body.GetProperty("valid").GetBoolean());
        Assert.Equal(["3:7 PB017", "7:13 PB040", "9:13 PB023", "10:15 PB050"], body.GetProperty("errors").EnumerateArray()
            .Select(e => $"{e.GetProperty("line").GetInt32()}:{e.GetProperty("column").GetInt32()} {e.GetProperty("code").GetString()}"));
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));
    }

    [Fact]
    public async Task validation_wants_yaml_and_a_role_that_writes_playbooks()
    {
        await Host.Scenario(x =>
        {
            x.Post.Json(new { yaml = "x" }).ToUrl("/api/playbooks/validate");
            x.WithBearerToken(Api.Commander);
            x.StatusCodeShouldBe(415);
        });
        await Host.Scenario(x =>
        {
            x.Post.Text("kind: Playbook").ToUrl("/api/playbooks/validate").ContentType("application/yaml");
            x.WithBearerToken(Api.Ingest);
            x.StatusCodeShouldBe(403);
        });
    }

    [Fact]
    public async Task a_billion_laughs_is_refused_quickly_without_hurting_the_service()
    {
        var laughs = "a0: &a0 lol\n" + string.Concat(Enumerable.Range(1, 9).Select(i => $"a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"));

        var result = await Host.Scenario(x =>
        {
            x.Post.Text(laughs).ToUrl("/api/playbooks/validate").ContentType("application/yaml");
            x.WithBearerToken(Api.Commander);
            x.StatusCodeShouldBe(422);
        });

        Assert.Equal("PB003", result.ReadJson().GetProperty("errors")[0].GetProperty("code").GetString());
        await Host.Send(HttpMethod.Get, "/health/ready", token: null);
    }

    [Fact]
    public async Task a_dry_run_returns_the_ordered_plan_and_executes_nothing()
    {
        var result = await Host.Post("/api/playbooks/sensitive-data-exposure/dry-run", new
        {
            inputs = new { dataset = "hr.employee_activity", grantee = "all_engineers" },
            incident = new { severity = "critical", restricted = true },
            decisions = new Dictionary<string, string> { ["verify-containment"] = "failed" },
        });

        var plan = result.ReadJson();
        Assert.Equal("waiting", plan.GetProperty("outcome").GetString());
        var steps = plan.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        Assert.Equal("run", steps["revoke-grant"].GetProperty("disposition").GetString());
        Assert.Equal(1, steps["revoke-grant"].GetProperty("wave").GetInt32());
        Assert.Equal("skip", steps["suspend-programme"].GetProperty("disposition").GetString());
        Assert.Equal("when 'inputs.programme != null' is false", steps["suspend-programme"].GetProperty("reason").GetString());
        Assert.Equal("escalate", steps["verify-containment"].GetProperty("disposition").GetString());
        Assert.Equal("all_engineers", steps["revoke-grant"].GetProperty("with").GetProperty("grantee").GetString());
        Assert.Empty(await Host.Incidents());
    }

    [Fact]
    public async Task a_dry_run_with_bad_inputs_names_each_of_them()
    {
        var problem = (await Host.Post("/api/playbooks/sensitive-data-exposure/dry-run",
            new { inputs = new { grantee = 42, colour = "red" }, decisions = new Dictionary<string, string> { ["revoke-grant"] = "approved" } },
            expect: 400)).Read<ProblemView>();

        Assert.Equal(["decisions.revoke-grant", "inputs.colour", "inputs.dataset", "inputs.grantee"], problem.Errors!.Keys.Order());
        await Host.Post("/api/playbooks/no-such-playbook/dry-run", new { }, expect: 404);
    }
}

public sealed class when_a_playbook_file_is_invalid_at_start
{
    [Fact]
    public async Task the_service_refuses_to_become_ready_and_says_which_file_and_line()
    {
        var folder = Directory.CreateTempSubdirectory("playbooks-");
        try
        {
            File.Copy(Path.Combine(AppFixture.RepositoryPlaybooks, "insider-bulk-download.yaml"), Path.Combine(folder.FullName, "good.yaml"));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "broken.yaml"), "apiVersion: incidents/v1\nkind: Playbook\nname: broken\ntitle: t\nsteps:\n  - id: a\n    action: incident.explode\n");

            await using var host = await AppFixture.StartHostAsync(await TestDatabase.CreateDatabaseAsync("badplaybooks"), folder.FullName);

            var ready = await host.Scenario(x =>
            {
                x.Get.Url("/health/ready");
                x.StatusCodeShouldBe(503);
            });
            var report = ready.ReadJson();
            Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
            Assert.Contains("broken.yaml", report.GetProperty("checks").GetProperty("playbooks").GetProperty("description").GetString());
            await host.Send(HttpMethod.Get, "/health/live", token: null);
            Assert.Empty((await host.Get("/api/playbooks")).ReadJson().EnumerateArray());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
