using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;

namespace IncidentOrchestrator.Tests.Catalogue;

/// <summary>The dataset catalogue is files, followed without a restart like playbooks: the API shows each dataset, and every version the service has used stays readable.</summary>
public sealed class when_the_catalogue_is_read(RunsFixture fixture) : RunContext(fixture)
{
    private const string Name = "hr.employee_activity";
    private string File => Path.Combine(Fixture.Catalogue, Name + ".yaml");

    private async Task<JsonElement?> Dataset(string name)
    {
        using var client = Host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.For("rita.responder", Roles.Responder));
        using var response = await client.GetAsync($"/api/datasets/{name}");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task each_dataset_is_shown_as_declared_and_an_edit_is_followed_with_its_versions_kept()
    {
        var original = await System.IO.File.ReadAllTextAsync(File);
        try
        {
            var listed = (await Host.Get("/api/datasets", Api.Commander)).ReadJson();
            var summary = listed.EnumerateArray().Single(d => d.GetProperty("name").GetString() == Name);
            Assert.Equal(("restricted", "warehouse", Name), (summary.GetProperty("classification").GetString(), summary.GetProperty("connection").GetString(),
                summary.GetProperty("object").GetString()));

            var first = (await Dataset(Name))!.Value;
            Assert.Equal(("14d", "4h", "90d"), (first.GetProperty("maxGrant").GetString(), first.GetProperty("breakGlassFor").GetString(), first.GetProperty("review").GetString()));
            Assert.Equal(2, first.GetProperty("approvers").GetProperty("quorum").GetInt32());
            Assert.Equal(["train-ai:activity-insights", "analytics"], first.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal(original, first.GetProperty("text").GetString());
            var firstHash = first.GetProperty("hash").GetString()!;
            Assert.Null(await Dataset("hr.no_such_dataset"));

            // A tightened review interval is picked up; the version it replaced stays readable, and the two compare line by line.
            await System.IO.File.WriteAllTextAsync(File, original.Replace("review: 90d", "review: 30d"));
            var second = (await RunScenarios.Eventually(() => Dataset(Name), d => d?.GetProperty("hash").GetString() != firstHash))!.Value;
            Assert.Equal("30d", second.GetProperty("review").GetString());
            Assert.NotEqual(first.GetProperty("catalogueHash").GetString(), second.GetProperty("catalogueHash").GetString());
            var versions = await RunScenarios.Eventually(async () => (await Host.Get($"/api/datasets/{Name}/versions", Api.Commander)).ReadJson(),
                v => v.GetArrayLength() == 2);
            Assert.Contains(versions.EnumerateArray(), v => v.GetProperty("hash").GetString() == firstHash && !v.GetProperty("loaded").GetBoolean());
            Assert.Equal(original, (await Host.Get($"/api/datasets/{Name}/versions/{firstHash}", Api.Commander)).ReadJson().GetProperty("text").GetString());
            var diff = (await Host.Get($"/api/datasets/{Name}/diff?from={firstHash}", Api.Commander)).ReadJson();
            Assert.Equal((1, 1), (diff.GetProperty("added").GetInt32(), diff.GetProperty("removed").GetInt32()));

            // The catalogue as a whole has versions too: the one the first read named holds the first version of this file.
            var catalogueVersions = await RunScenarios.Eventually(async () => (await Host.Get("/api/catalogue/versions", Api.Commander)).ReadJson(),
                v => v.EnumerateArray().Any(c => c.GetProperty("hash").GetString() == second.GetProperty("catalogueHash").GetString()));
            var before = catalogueVersions.EnumerateArray().Single(c => c.GetProperty("hash").GetString() == first.GetProperty("catalogueHash").GetString());
            Assert.Equal(firstHash, before.GetProperty("datasets").GetProperty(Name).GetString());
            Assert.False(before.GetProperty("loaded").GetBoolean());

            // A broken edit changes nothing in use: the last valid catalogue stays.
            await System.IO.File.WriteAllTextAsync(File, original.Replace("classification: restricted", "classification: secret"));
            var broken = Path.Combine(Fixture.Catalogue, "hr.broken.yaml");
            await System.IO.File.WriteAllTextAsync(broken, original.Replace($"name: {Name}", "name: hr.broken"));
            try
            {
                var ready = await RunScenarios.Eventually(async () => (await Host.Send(HttpMethod.Get, "/health/ready", token: null)).ReadJson(),
                    r => r.GetProperty("checks").GetProperty("catalogue").GetProperty("status").GetString() == "Degraded");
                Assert.Contains("the last valid set of datasets keeps running", ready.GetProperty("checks").GetProperty("catalogue").GetProperty("description").GetString());
                Assert.Equal(second.GetProperty("hash").GetString(), (await Dataset(Name))!.Value.GetProperty("hash").GetString());
                Assert.Null(await Dataset("hr.broken"));
                // Asked to reload now, the service names every error and keeps the catalogue in use; responders may not ask.
                var refused = (await Host.Send(HttpMethod.Post, "/api/datasets/reload", Api.Admin, expect: 422)).ReadJson();
                Assert.False(refused.GetProperty("loaded").GetBoolean());
                Assert.Contains(refused.GetProperty("errors").EnumerateArray(), e => e.GetProperty("file").GetString() == Name + ".yaml" && e.GetProperty("code").GetString() == "PB013");
                Assert.Contains(refused.GetProperty("datasets").EnumerateArray(), d => d.GetProperty("name").GetString() == Name);
                await Host.Send(HttpMethod.Post, "/api/datasets/reload", Tokens.For("rita.responder", Roles.Responder), expect: 403);
            }
            finally
            {
                System.IO.File.Delete(broken);
            }
        }
        finally
        {
            await System.IO.File.WriteAllTextAsync(File, original);
            await RunScenarios.Eventually(() => Dataset(Name), d => d?.GetProperty("text").GetString() == original);
        }
    }

    [Fact]
    public async Task a_name_not_in_the_catalogue_is_said_plainly_and_each_part_that_warns_at_start_is_asked()
    {
        var missing = (await Host.Get("/api/datasets/hr.nothing", Api.Commander, expect: 404)).ReadJson();
        Assert.Equal("No dataset named 'hr.nothing' is in the catalogue.", missing.GetProperty("detail").GetString());

        // The catalogue, the drift scanner and the programmes each say at start what they cannot act on or read for one more release.
        var warners = Host.Services.GetServices<IncidentOrchestrator.Hosting.IStartupWarnings>().Select(w => w.GetType().Name).Order();
        Assert.Equal(["DatasetAccess", "ProgrammeDatasets", "ScannedAccess"], warners);
        Assert.Contains(Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is IncidentOrchestrator.Hosting.StartupWarnings);
    }

    [Fact]
    public async Task a_datasets_grants_are_read_from_its_access_list_whoever_made_them()
    {
        // A role of this test's own, granted by the warehouse's owner; the service reads the table's access list, which
        // lists it whoever made the grant.
        var byHand = $"grants_probe_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"""
            create role {byHand} nologin; grant select, update on hr.employee_activity to {byHand};
            do $$ begin create role hr_analysts nologin; exception when duplicate_object then null; end $$;
            grant select on hr.employee_activity to hr_analysts;
            grant select on hr.employee_activity to public;
            """);
        try
        {
            var read = (await Host.Get($"/api/datasets/{Name}/grants", Tokens.For("pia.privacy", Roles.Privacy))).ReadJson().Deserialize<DatasetGrants>(ApiJson.Options)!;
            Assert.Null(read.Unchecked);
            var probe = Assert.Single(read.Grants, g => g.Grantee == byHand);
            Assert.Equal(["SELECT", "UPDATE"], probe.Privileges);
            // Judged by the catalogue's standing roles. This fixture's scanner reads the older Detection__AccessPolicy file, which does not list
            // the table, and the answer says so.
            Assert.False(probe.Allowed);
            Assert.True(Assert.Single(read.Grants, g => g.Grantee == "hr_analysts").Allowed); // standing in the catalogue
            // A grant to everyone is in the access list too (the information schema's view of grants leaves it out).
            Assert.False(Assert.Single(read.Grants, g => g.Grantee == "PUBLIC").Allowed);
            // The owner sees them by name; a responder who does not answer for the dataset does not.
            await Host.Get($"/api/datasets/{Name}/grants", Tokens.For("hana.hr-data", Roles.Responder));
            await Host.Get($"/api/datasets/{Name}/grants", Api.Responder, expect: 403);
            Assert.False(read.Scanned);

            await Host.Get("/api/datasets/hr.nothing/grants", Api.Admin, expect: 404);
        }
        finally
        {
            await Fixture.Warehouse.ExecuteAsync($"revoke all on hr.employee_activity from {byHand}; drop role {byHand}; revoke all on hr.employee_activity from hr_analysts; revoke all on hr.employee_activity from public");
        }
    }
}
