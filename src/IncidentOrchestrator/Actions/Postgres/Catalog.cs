using Npgsql;

namespace IncidentOrchestrator.Actions.Postgres;

/// <summary>
/// Turns names from playbook inputs into identifiers PostgreSQL itself quoted, after checking they
/// exist. Input text is only ever a query parameter, so a hostile name cannot become SQL.
/// </summary>
public static class Catalog
{
    public static async Task<string> TableAsync(NpgsqlConnection db, string name, CancellationToken ct)
    {
        var (schema, table) = Split(name);
        return await ScalarAsync(db, """
            select quote_ident(n.nspname) || '.' || quote_ident(c.relname)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'v', 'm', 'p', 'f')
            """, [schema, table], ct) ?? throw new ActionFailedException($"no table '{name}' exists");
    }

    public static async Task<string> SchemaAsync(NpgsqlConnection db, string name, CancellationToken ct) =>
        await ScalarAsync(db, "select quote_ident(nspname) from pg_namespace where nspname = $1", [name], ct)
        ?? throw new ActionFailedException($"no schema '{name}' exists");

    public static async Task<string> RoleAsync(NpgsqlConnection db, string name, CancellationToken ct) =>
        await ScalarAsync(db, "select quote_ident(rolname) from pg_roles where rolname = $1", [name], ct)
        ?? throw new ActionFailedException($"no role '{name}' exists");

    public static async Task<string?> ScalarAsync(NpgsqlConnection db, string sql, object[] parameters, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return (await command.ExecuteScalarAsync(ct))?.ToString();
    }

    public static async Task<List<string>> ListAsync(NpgsqlConnection db, string sql, object[] parameters, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }

    public static async Task ExecuteAsync(NpgsqlConnection db, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<bool> CanLoginAsync(NpgsqlConnection db, string role, CancellationToken ct) =>
        await ScalarAsync(db, "select rolcanlogin from pg_roles where rolname = $1", [role], ct) == "True";

    /// <summary>
    /// Ends the role's open sessions. The sessions are chosen first and then ended one by one: in a
    /// single query the planner may call pg_terminate_backend before filtering by user, ending everyone's.
    /// </summary>
    public static async Task<int> EndSessionsAsync(NpgsqlConnection db, string role, CancellationToken ct)
    {
        var sessions = await ListAsync(db, "select pid::text from pg_stat_activity where usename = $1 and pid <> pg_backend_pid()", [role], ct);
        var ended = 0;
        foreach (var pid in sessions)
            if (await ScalarAsync(db, "select pg_terminate_backend($1)", [int.Parse(pid)], ct) == "True") ended++;
        return ended;
    }

    /// <summary>The privileges a role holds directly on a table, e.g. ["SELECT"].</summary>
    public static Task<List<string>> PrivilegesAsync(NpgsqlConnection db, string quotedTable, string role, CancellationToken ct) => ListAsync(db, """
        select distinct a.privilege_type
        from pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
        where c.oid = $1::regclass and a.grantee = (select oid from pg_roles where rolname = $2)
        order by 1
        """, [quotedTable, role], ct);

    private static (string Schema, string Table) Split(string name)
    {
        var parts = name.Split('.');
        return parts switch
        {
            [var table] when table.Length > 0 => ("public", table),
            [var schema, var table] when schema.Length > 0 && table.Length > 0 => (schema, table),
            _ => throw new ActionFailedException($"'{name}' is not a table name (schema.table)"),
        };
    }
}
