using IncidentOrchestrator.Tests.Fixtures;
using Npgsql;

namespace IncidentOrchestrator.Tests.Runs;

public sealed class when_containment_acts_on_the_warehouse(RunsFixture fixture) : RunContext(fixture)
{
    private Warehouse Warehouse => Fixture.Warehouse;

    private async Task<string> MisgrantedRole()
    {
        var role = $"all_engineers_{Key}";
        await Warehouse.ExecuteAsync($"create role {role} nologin; grant select on hr.employee_activity to {role}");
        Assert.True(await Warehouse.CanReadAsync(role, "hr.employee_activity"));
        return role;
    }

    [Fact]
    public async Task containment_is_verified_by_reading_the_grant_back()
    {
        var role = await MisgrantedRole();
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-contain", new { dataset = "hr.employee_activity", grantee = role }));

        Assert.Equal("succeeded", run.Status);
        Assert.False(await Warehouse.CanReadAsync(role, "hr.employee_activity"));
        var revoked = run.Step("revoke-grant").Outputs;
        Assert.Equal("SELECT", revoked.GetProperty("before").GetProperty("hr.employee_activity")[0].GetString());
        Assert.Equal(0, revoked.GetProperty("after").GetProperty("hr.employee_activity").GetArrayLength());
        var details = await Host.Incident(incident);
        Assert.Equal("contained", details.Status);
        Assert.NotNull(details.ContainedAt);
    }

    [Fact]
    public async Task a_grant_to_everyone_is_contained_as_a_roles_is()
    {
        // The drift scanner reports a grant to PUBLIC with the grantee PUBLIC: the exposure's worst case.
        await Warehouse.ExecuteAsync("grant select on hr.payroll to public");
        Assert.True(await Warehouse.CanReadAsync("public", "hr.payroll"));
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-contain", new { dataset = "hr.payroll", grantee = "PUBLIC" }));

        Assert.Equal("succeeded", run.Status);
        Assert.False(await Warehouse.CanReadAsync("public", "hr.payroll"));
        var revoked = run.Step("revoke-grant").Outputs;
        Assert.Equal("SELECT", revoked.GetProperty("before").GetProperty("hr.payroll")[0].GetString());
        Assert.Equal(0, revoked.GetProperty("after").GetProperty("hr.payroll").GetArrayLength());
    }

    [Fact]
    public async Task a_false_positive_is_compensated_and_the_grant_restored()
    {
        var role = await MisgrantedRole();
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-contain",
            new { dataset = "hr.employee_activity", grantee = role, falsePositive = true }));

        Assert.Equal("compensated", run.Status);
        Assert.Equal("compensated", run.Step("revoke-grant").Status);
        Assert.True(await Warehouse.CanReadAsync(role, "hr.employee_activity"));
    }

    [Fact]
    public async Task verification_fails_while_access_remains_through_another_role()
    {
        var role = await MisgrantedRole();
        await Warehouse.ExecuteAsync($"create role analysts_{Key} nologin; grant select on hr.employee_activity to analysts_{Key}; grant analysts_{Key} to {role}");
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-contain", new { dataset = "hr.employee_activity", grantee = role }));

        Assert.Equal("failed", run.Status);
        Assert.Equal($"{role} can still read hr.employee_activity", run.Step("verify-containment").Error);
        Assert.Equal("open", (await Host.Incident(incident)).Status);
    }

    [Fact]
    public async Task disabling_a_login_ends_its_open_sessions_and_refuses_new_ones()
    {
        var role = $"training_pipeline_{Key}";
        await Warehouse.ExecuteAsync($"create role {role} login password 'pipeline-secret'; grant select on hr.employee_activity to {role}");
        await using var pipeline = new NpgsqlConnection(Warehouse.ConnectionStringFor(role, "pipeline-secret"));
        await pipeline.OpenAsync();
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-cut-off", new { role }));

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(1, run.Step("disable-login").Outputs.GetProperty("sessionsEnded").GetInt32());
        Assert.False(await Warehouse.CanLoginAsync(role));
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var command = new NpgsqlCommand("select count(*) from hr.employee_activity", pipeline);
            await command.ExecuteScalarAsync();
        });
        await using var again = new NpgsqlConnection(Warehouse.ConnectionStringFor(role, "pipeline-secret"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => again.OpenAsync());
        Assert.Equal("28000", refused.SqlState); // role is not permitted to log in
    }

    [Theory]
    [InlineData("hr.employee_activity; drop table hr.payroll; --", "GRANTEE")]
    [InlineData("hr.employee_activity", "x\"; drop table hr.payroll; --")]
    [InlineData("hr.employee_activity\" cascade; drop table hr.payroll; --", "GRANTEE")]
    public async Task hostile_names_in_inputs_cannot_run_other_sql(string dataset, string grantee)
    {
        var role = await MisgrantedRole();
        var incident = await Incident();

        var run = await Host.RunEnded(incident, await Host.StartRun(incident, "test-contain",
            new { dataset, grantee = grantee == "GRANTEE" ? role : grantee }));

        Assert.Equal("failed", run.Status);
        Assert.Matches("^(no (table|role) '|'.*' is not a table name)", run.Step("revoke-grant").Error); // refused by name, never executed
        Assert.True(await Warehouse.TableExistsAsync("hr.payroll"));
        Assert.True(await Warehouse.CanReadAsync(role, "hr.employee_activity"));
    }
}
