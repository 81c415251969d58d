using System.Security.Cryptography;
using System.Text.Json;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Runs;
using Npgsql;

namespace IncidentOrchestrator.Actions.Evidence;

/// <summary>
/// <c>evidence.snapshot</c>: runs the query in a read-only transaction with a time limit, copies at
/// most <see cref="MaxRows"/> rows into the incident, and records their SHA-256. Values from the
/// playbook arrive as bind parameters, never as SQL text.
/// </summary>
public sealed class SnapshotEvidence(NamedConnections connections) : IAction
{
    public const int MaxRows = 10_000;

    public ActionDescriptor Descriptor => BuiltInActions.Catalog.Find("evidence.snapshot")!;

    public async Task<ActionResult> ExecuteAsync(ActionContext context, CancellationToken ct)
    {
        var connection = context.Text("connection");
        var query = context.Text("query");
        var arguments = context.Parameters.GetValueOrDefault("query" + Playbooks.Running.StepInputs.SqlArguments) as IEnumerable<object?> ?? [];

        await using var db = await connections.Get(connection).OpenConnectionAsync(ct);
        await using var transaction = await db.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await Catalog.ExecuteAsync(db, "set transaction read only; set local statement_timeout = '30s'", ct);

        await using var command = new NpgsqlCommand(query, db, transaction);
        foreach (var argument in arguments) command.Parameters.Add(new NpgsqlParameter { Value = argument ?? DBNull.Value });
        var (columns, rows, truncated) = await ReadAsync(command, ct);
        await transaction.RollbackAsync(ct);

        var json = JsonSerializer.Serialize(rows);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)));
        var evidence = new EvidenceItem
        {
            Id = Guid.CreateVersion7(), IncidentId = context.IncidentId, RunId = context.RunId, StepId = context.StepId,
            Name = context.Text("name"), Connection = connection, Query = query, Columns = columns,
            Content = json, RowCount = rows.Count, Truncated = truncated, Sha256 = sha256, CapturedAt = context.Now,
        };
        context.Session.Store(evidence);
        context.RecordOnIncident(
            new EvidenceCaptured(context.IncidentId, evidence.Id, evidence.Name, rows.Count, truncated, sha256, $"playbook:{context.RunId:N}", context.Now));
        return new ActionResult(new Dictionary<string, object?> { ["evidenceId"] = evidence.Id, ["rows"] = rows.Count, ["sha256"] = sha256 });
    }

    private static async Task<(List<string>, List<Dictionary<string, object?>>, bool)> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync(ct))
        {
            if (rows.Count == MaxRows) return (columns, rows, true);
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++) row[columns[i]] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return (columns, rows, false);
    }
}
