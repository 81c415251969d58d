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
        var (schema, table) = Split(name) ?? throw new ActionFailedException($"'{name}' is not a table name (schema.table)");
        return await LookUpAsync(db, schema, table, ct) ?? throw new ActionFailedException($"no table '{name}' exists");
    }

    /// <summary>The table's name as PostgreSQL quotes it, or null when there is no such table (or the name names none).</summary>
    public static async Task<string?> FindTableAsync(NpgsqlConnection db, string name, CancellationToken ct) =>
        Split(name) is var (schema, table) ? await LookUpAsync(db, schema, table, ct) : null;

    private static Task<string?> LookUpAsync(NpgsqlConnection db, string schema, string table, CancellationToken ct) => ScalarAsync(db, """
        select quote_ident(n.nspname) || '.' || quote_ident(c.relname)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'v', 'm', 'p', 'f')
        """, [schema, table], ct);

    public static async Task<string> SchemaAsync(NpgsqlConnection db, string name, CancellationToken ct) =>
        await ScalarAsync(db, "select quote_ident(nspname) from pg_namespace where nspname = $1", [name], ct)
        ?? throw new ActionFailedException($"no schema '{name}' exists");

    /// <summary>The name PostgreSQL gives everyone in a grant: <c>GRANT … TO PUBLIC</c>, which is no role of its own.</summary>
    public const string Public = "PUBLIC";

    /// <summary>The role as a quoted identifier for a statement, or <see cref="Public"/> for everyone.</summary>
    public static async Task<string> RoleAsync(NpgsqlConnection db, string name, CancellationToken ct) =>
        string.Equals(name, Public, StringComparison.OrdinalIgnoreCase) ? Public
        : await ScalarAsync(db, "select quote_ident(rolname) from pg_roles where rolname = $1", [name], ct)
          ?? throw new ActionFailedException($"no role '{name}' exists");

    /// <summary>Whether the role (or everyone, for <see cref="Public"/>) can read the table, directly or through a role it belongs to.</summary>
    public static async Task<bool> CanReadAsync(NpgsqlConnection db, string quotedTable, string role, CancellationToken ct) =>
        await ScalarAsync(db, "select has_table_privilege($1, $2::regclass, 'SELECT')",
            [string.Equals(role, Public, StringComparison.OrdinalIgnoreCase) ? "public" : role, quotedTable], ct) == "True";

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

    /// <summary>
    /// Who holds which privileges on a table, from its access list (<c>pg_class.relacl</c>), which lists every grant whoever made
    /// it (the information schema shows only grants that involve the connecting user's roles); everyone is <see cref="Public"/>.
    /// The table's owner is left out.
    /// </summary>
    public static async Task<IReadOnlyList<TableGrant>> GrantsAsync(NpgsqlConnection db, string quotedTable, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select coalesce(r.rolname, '{Public}'), a.privilege_type
            from pg_class c
            cross join lateral aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
            left join pg_roles r on r.oid = a.grantee
            where c.oid = $1::regclass and a.grantee <> c.relowner
            """, db);
        command.Parameters.Add(new NpgsqlParameter { Value = quotedTable });
        var rows = new List<(string Grantee, string Privilege)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows.GroupBy(r => r.Grantee, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TableGrant(g.Key, g.Select(r => r.Privilege).Distinct().Order(StringComparer.Ordinal).ToList())).ToList();
    }

    /// <summary>The privileges a role (or <see cref="Public"/>) holds directly on a table, e.g. ["SELECT"].</summary>
    public static async Task<List<string>> PrivilegesAsync(NpgsqlConnection db, string quotedTable, string role, CancellationToken ct) =>
        [.. (await GrantsAsync(db, quotedTable, ct)).FirstOrDefault(g => string.Equals(g.Grantee, role, StringComparison.Ordinal)
                                                                        || (g.Grantee == Public && string.Equals(role, Public, StringComparison.OrdinalIgnoreCase)))
            ?.Privileges ?? []];

    private static (string Schema, string Table)? Split(string name) => name.Split('.') switch
    {
        [var table] when table.Length > 0 => ("public", table),
        [var schema, var table] when schema.Length > 0 && table.Length > 0 => (schema, table),
        _ => null,
    };
}

/// <param name="Grantee">A role other than the table's owner, or <see cref="Catalog.Public"/>.</param>
public sealed record TableGrant(string Grantee, IReadOnlyList<string> Privileges);
