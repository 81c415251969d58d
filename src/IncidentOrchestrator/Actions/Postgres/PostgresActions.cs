using IncidentOrchestrator.Playbooks.Actions;
using Npgsql;

namespace IncidentOrchestrator.Actions.Postgres;

/// <summary>
/// The actions that change access on a real PostgreSQL. Each is idempotent (doing what is already done
/// succeeds, with <c>changed: false</c>), reports what it found before and after, and holds off other
/// runs acting on the same object meanwhile (see <see cref="Contention"/>).
/// </summary>
public abstract class PostgresAction(NamedConnections connections) : IAction
{
    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find(Name)!;

    protected abstract string Name { get; }

    /// <summary>What the call changes, as lock names: <c>table:…</c>, <c>schema:…</c>, <c>role:…</c>.</summary>
    protected virtual IReadOnlyCollection<string> Objects(ActionContext context) =>
        context.OptionalText("schema") is { } schema ? [$"schema:{schema}"] : [$"table:{context.Text("table")}"];

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct) =>
        new(await Contention.RetryAsync(connections.Get(context.Text("connection")), Objects(context), db => ExecuteAsync(db, context, ct), ct));

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
        var revoked = before.Where(b => b.Value.Count > 0).ToDictionary();
        return new() { ["revoked"] = revoked, ["changed"] = revoked.Count > 0, ["before"] = before, ["after"] = after };
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
        var changed = tables.Any(t => !after[t].SequenceEqual(before[t]));
        return new() { ["granted"] = privileges, ["changed"] = changed, ["before"] = before, ["after"] = after };
    }
}

public sealed class VerifyNoAccess(NamedConnections connections) : PostgresAction(connections)
{
    protected override string Name => "postgres.verify-no-access";

    protected override IReadOnlyCollection<string> Objects(ActionContext context) => []; // it only reads

    protected override async Task<Dictionary<string, object?>> ExecuteAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct)
    {
        var grantee = context.Text("grantee");
        await Catalog.RoleAsync(db, grantee, ct);
        var table = await Catalog.TableAsync(db, context.Text("table"), ct);
        // Role membership counts too: access through another role is still access.
        if (await Catalog.CanReadAsync(db, table, grantee, ct))
            throw new ActionFailedException($"{grantee} can still read {table}");
        return new() { ["verifiedAt"] = context.Now, ["canRead"] = false };
    }
}

public sealed class DisableLogin(NamedConnections connections) : PostgresAction(connections)
{
    protected override string Name => "postgres.disable-login";

    protected override IReadOnlyCollection<string> Objects(ActionContext context) => [$"role:{context.Text("role")}"];

    protected override async Task<Dictionary<string, object?>> ExecuteAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct)
    {
        var name = context.Text("role");
        var role = await Catalog.RoleAsync(db, name, ct);
        var couldLogin = await Catalog.CanLoginAsync(db, name, ct);
        await Catalog.ExecuteAsync(db, $"ALTER ROLE {role} NOLOGIN", ct);
        var ended = await Catalog.EndSessionsAsync(db, name, ct);
        return new() { ["couldLogin"] = couldLogin, ["canLogin"] = false, ["changed"] = couldLogin, ["sessionsEnded"] = ended };
    }
}

public sealed class EnableLogin(NamedConnections connections) : PostgresAction(connections)
{
    protected override string Name => "postgres.enable-login";

    protected override IReadOnlyCollection<string> Objects(ActionContext context) => [$"role:{context.Text("role")}"];

    protected override async Task<Dictionary<string, object?>> ExecuteAsync(NpgsqlConnection db, ActionContext context, CancellationToken ct)
    {
        var name = context.Text("role");
        var role = await Catalog.RoleAsync(db, name, ct);
        var couldLogin = await Catalog.CanLoginAsync(db, name, ct);
        await Catalog.ExecuteAsync(db, $"ALTER ROLE {role} LOGIN", ct);
        return new() { ["couldLogin"] = couldLogin, ["canLogin"] = true, ["changed"] = !couldLogin };
    }
}
