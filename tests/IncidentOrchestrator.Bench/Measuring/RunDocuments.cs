using System.Diagnostics;
using Npgsql;

namespace IncidentOrchestrator.Bench.Measuring;

/// <summary>
/// A load's own runs, read from their documents by the ids it knows (the runs' or their incidents'): the bench's queries run on
/// the server it measures, so they read only this load's documents, the same number at every phase.
/// </summary>
public static class RunDocuments
{
    public const string ById = "id = any($1)";
    public const string ByIncident = "(data->>'incidentId')::uuid = any($1)";
    private const string Ended = "('succeeded', 'failed', 'compensated', 'cancelled')";

    /// <summary>Waits until every one has ended, looking every 250 ms (the end is seen up to 250 ms late: a few percent of a load of seconds).</summary>
    public static async Task WaitEndedAsync(NpgsqlConnection db, string which, Guid[] ids, long expected, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (await CountAsync(db, $"select count(*) from incidents.mt_doc_playbookrun where {which} and data->>'state' in {Ended}", ids, ct) < expected)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"{expected} runs did not all end within 10 minutes");
            await Task.Delay(250, ct);
        }
    }

    public static Task<long> SucceededAsync(NpgsqlConnection db, string which, Guid[] ids, CancellationToken ct) =>
        CountAsync(db, $"select count(*) from incidents.mt_doc_playbookrun where {which} and data->>'state' = 'succeeded'", ids, ct);

    private static async Task<long> CountAsync(NpgsqlConnection db, string sql, Guid[] ids, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = ids } } };
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }
}
