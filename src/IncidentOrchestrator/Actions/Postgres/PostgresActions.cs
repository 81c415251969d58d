using IncidentOrchestrator.Playbooks.Actions;
using Npgsql;

namespace IncidentOrchestrator.Actions.Postgres;

/// <summary>The actions that change access on a real PostgreSQL; each reports what it found before and after.</summary>
public abstract class PostgresAction(NamedConnections connections) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find(Name)!;

    protected abstract string Name { get; }

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        await using var db = await connections.Get(context.Text("connection")).OpenConnectionAsync(ct);
        return new ActionResult(await ExecuteAsync(db, context, ct));
    }

    protected abstract Task<Dictionary<string, object?>> ExecuteAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct);

    /// <summary>The quoted tables a call targets: its table, or every table of its schema.</summary>
    protected static async Task<(string Target, List<string> Tables)> TargetAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct)
    {
        if (context.OptionalText("schema") is { } schemaName)
        {
            var schema = await Catalog.SchemaAsync(db, schemaName, ct);
            var tables = await Catalog.ListAsync(db, """
                select quote_ident(n.nspname) || '.' || quote_ident(c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'p', 'f') order by 1
                """, [schemaName], ct);
            return ($"ALL TABLES IN SCHEMA {schema}", tables);
        }
        var table = await Catalog.TableAsync(db, context.Text("table"), ct);
        return ($"TABLE {table}", [table]);
    }

    protected static async Task<Dictionary<string, List<string>>> PrivilegesAsync(NpgsqlConnection db, List<string> tables, string role, CancellationToken ct)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables) result[table] = await Catalog.PrivilegesAsync(db, table, role, ct);
        return result;
    }
}

public sealed class Revoke(NamedConnections connections) : PostgresAction(connections)
{
    protected override string Name => "postgres.revoke";

    protected override async Task<Dictionary<string, object?>> ExecuteAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct)
    {
        var grantee = context.Text("grantee");
        var role = await Catalog.RoleAsync(db, grantee, ct);
        var (target, tables) = await TargetAsync(db, context, ct);
        var before = await PrivilegesAsync(db, tables, grantee, ct);
        await Catalog.ExecuteAsync(db, $"REVOKE ALL PRIVILEGES ON {target} FROM {role}", ct);
        var after = await PrivilegesAsync(db, tables, grantee, ct);
        return new() { ["revoked"] = before.Where(b => b.Value.Count > 0).ToDictionary(), ["before"] = before, ["after"] = after };
    }
}

public sealed class Grant(NamedConnections connections) : PostgresAction(connections)
{
    private static readonly string[] Allowed = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "ALL"];

    protected override string Name => "postgres.grant";

    protected override async Task<Dictionary<string, object?>> ExecuteAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct)
    {
        var grantee = context.Text("grantee");
        var privileges = (context.OptionalText("privileges") ?? "SELECT").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.ToUpperInvariant()).ToList();
        if (privileges.Count == 0 || privileges.Any(p => !Allowed.Contains(p)))
            throw new ActionFailedException($"privileges must be among {string.Join(", ", Allowed)}");
        var role = await Catalog.RoleAsync(db, grantee, ct);
        var (target, tables) = await TargetAsync(db, context, ct);
        var before = await PrivilegesAsync(db, tables, grantee, ct);
        await Catalog.ExecuteAsync(db, $"GRANT {string.Join(", ", privileges)} ON {target} TO {role}", ct);
        var after = await PrivilegesAsync(db, tables, grantee, ct);
        return new() { ["granted"] = privileges, ["before"] = before, ["after"] = after };
    }
}

public sealed class VerifyNoAccess(NamedConnections connections) : PostgresAction(connections)
{
    protected override string Name => "postgres.verify-no-access";

    protected override async Task<Dictionary<string, object?>> ExecuteAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct)
    {
        var grantee = context.Text("grantee");
        await Catalog.RoleAsync(db, grantee, ct);
        var table = await Catalog.TableAsync(db, context.Text("table"), ct);
        // has_table_privilege follows role membership too: access through another role still counts.
        var canRead = await Catalog.ScalarAsync(db, "select has_table_privilege($1, $2::regclass, 'SELECT')", [grantee, table], ct);
        if (canRead == "True")
            throw new ActionFailedException($"{grantee} can still read {table}");
        return new() { ["verifiedAt"] = context.Now, ["canRead"] = false };
    }
}

public sealed class DisableLogin(NamedConnections connections) : PostgresAction(connections)
{
    protected override string Name => "postgres.disable-login";

    protected override async Task<Dictionary<string, object?>> ExecuteAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct)
    {
        var name = context.Text("role");
        var role = await Catalog.RoleAsync(db, name, ct);
        var couldLogin = await Catalog.CanLoginAsync(db, name, ct);
        await Catalog.ExecuteAsync(db, $"ALTER ROLE {role} NOLOGIN", ct);
        var ended = await Catalog.EndSessionsAsync(db, name, ct);
        return new() { ["couldLogin"] = couldLogin, ["canLogin"] = false, ["sessionsEnded"] = ended };
    }
}

public sealed class EnableLogin(NamedConnections connections) : PostgresAction(connections)
{
    protected override string Name => "postgres.enable-login";

    protected override async Task<Dictionary<string, object?>> ExecuteAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct)
    {
        var name = context.Text("role");
        var role = await Catalog.RoleAsync(db, name, ct);
        var couldLogin = await Catalog.CanLoginAsync(db, name, ct);
        await Catalog.ExecuteAsync(db, $"ALTER ROLE {role} LOGIN", ct);
        return new() { ["couldLogin"] = couldLogin, ["canLogin"] = true };
    }
}
