using Npgsql;

namespace IncidentOrchestrator.Actions.Postgres;

/// <param name="Grantee">A role other than the table's owner.</param>
public sealed record TableGrant(string Grantee, IReadOnlyList<string> Privileges);

/// <summary>Who holds which privileges on a table, as the database says now: what the drift scanner compares and a dataset's page shows.</summary>
public static class TableGrants
{
    /// <param name="table"><c>schema.table</c>, or a table in <c>public</c>.</param>
    public static async Task<IReadOnlyList<TableGrant>> ReadAsync(NpgsqlConnection db, string table, CancellationToken ct)
    {
        var (schema, name) = table.Split('.') is [var s, var t] ? (s, t) : ("public", table);
        await using var command = new NpgsqlCommand("""
            select g.grantee, array_agg(distinct g.privilege_type order by g.privilege_type)
            from information_schema.role_table_grants g
            join pg_class c on c.relname = g.table_name
            join pg_namespace n on n.oid = c.relnamespace and n.nspname = g.table_schema
            where g.table_schema = $1 and g.table_name = $2 and g.grantee <> pg_get_userbyid(c.relowner)
            group by g.grantee order by g.grantee
            """, db);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        var grants = new List<TableGrant>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) grants.Add(new TableGrant(reader.GetString(0), reader.GetFieldValue<string[]>(1)));
        return grants;
    }
}
