using Npgsql;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// The scenario's data warehouse: a sensitive hr.employee_activity table with synthetic rows, and
/// roles the tests create (roles are cluster-wide, so each test names its own).
/// </summary>
public sealed class Warehouse
{
    private Warehouse(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<Warehouse> CreateAsync()
    {
        var warehouse = new Warehouse(await TestDatabase.CreateDatabaseAsync("warehouse"));
        await warehouse.ExecuteAsync("""
            create schema hr;
            create table hr.employee_activity (employee_id int, observed_at timestamptz, application text, minutes int);
            insert into hr.employee_activity
              select g % 50, now() - (g || ' minutes')::interval, (array['mail','chat','ide','browser'])[1 + g % 4], g % 90
              from generate_series(1, 500) g;
            create table hr.payroll (employee_id int, salary numeric);
            """);
        return warehouse;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var db = new NpgsqlConnection(ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var db = new NpgsqlConnection(ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What the database itself says: can the role read the table (directly or through a role it belongs to)?</summary>
    public Task<bool> CanReadAsync(string role, string table) =>
        ScalarAsync<bool>("select has_table_privilege($1, $2, 'SELECT')", role, table);

    public Task<bool> CanLoginAsync(string role) => ScalarAsync<bool>("select rolcanlogin from pg_roles where rolname = $1", role);

    public Task<bool> TableExistsAsync(string table) => ScalarAsync<bool>("select to_regclass($1) is not null", table);

    public string ConnectionStringFor(string role, string password) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Username = role, Password = password, Pooling = false }.ConnectionString;
}
