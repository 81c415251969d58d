using Npgsql;

namespace IncidentOrchestrator.Actions.Postgres;

/// <param name="Grantee">A role other than the table's owner, or <c>PUBLIC</c>.</param>
public sealed record TableGrant(string Grantee, IReadOnlyList<string> Privileges);

/// <summary>Who holds which privileges on a table, as the database says now: what the drift scanner compares and a dataset's page shows.</summary>
public static class TableGrants
{
    /// <summary>
    /// The table's grants from its access list (<c>pg_class.relacl</c>), which lists every grant whoever made it; the
    /// information schema shows only grants that involve the roles of the connecting user. Null when there is no such table.
    /// </summary>
    /// <param name="table"><c>schema.table</c>, or a table in <c>public</c>.</param>
    public static async Task<IReadOnlyList<TableGrant>?> ReadAsync(NpgsqlConnection db, string table, CancellationToken ct)
    {
        var (schema, name) = table.Split('.') is [var s, var t] ? (s, t) : ("public", table);
        await using var command = new NpgsqlCommand("""
            select coalesce(r.rolname, 'PUBLIC'), a.privilege_type
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            left join lateral aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a on a.grantee <> c.relowner
            left join pg_roles r on r.oid = a.grantee
            where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')
            """, db);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        var rows = new List<(string Grantee, string? Privilege)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetString(0), await reader.IsDBNullAsync(1, ct) ? null : reader.GetString(1)));
        if (rows.Count == 0) return null; // no such table
        return rows.Where(r => r.Privilege is not null).GroupBy(r => r.Grantee, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TableGrant(g.Key, g.Select(r => r.Privilege!).Distinct().Order(StringComparer.Ordinal).ToList())).ToList();
    }
}
