using Npgsql;

namespace IncidentOrchestrator.Bench;

/// <summary>
/// Events already stored, to see whether a step costs more as history grows: filler streams of 100 events each (about as
/// large as a real event), with their chain links, written straight into the event tables (the chain trigger is off for
/// the filler, whose links the same statement writes with stand-in hashes; no part of the service reads these streams).
/// </summary>
public static class Growth
{
    private const int StreamLength = 100;
    private const int Chunk = 500_000;

    public static async Task<long> StoredAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var count = db.CreateCommand("select count(*) from incidents.mt_events");
        return Convert.ToInt64(await count.ExecuteScalarAsync(ct));
    }

    /// <summary>Adds filler events until <paramref name="target"/> are stored, and refreshes the planner's statistics.</summary>
    public static async Task<long> FillToAsync(NpgsqlDataSource db, long target, CancellationToken ct)
    {
        var stored = await StoredAsync(db, ct);
        while (stored < target)
        {
            var streams = (int)Math.Max(1, Math.Min(Chunk, target - stored) / StreamLength);
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var fill = new NpgsqlCommand($"""
                set local session_replication_role = replica;
                with streams as (
                    insert into incidents.mt_streams (id, type, version, timestamp, created)
                    select gen_random_uuid(), null, {StreamLength}, now(), now() from generate_series(1, {streams})
                    returning id),
                events as (
                    insert into incidents.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
                    select nextval('incidents.mt_events_sequence'), gen_random_uuid(), s.id, v,
                           jsonb_build_object('note', 'filler ' || v || ' ' || repeat('x', 640), 'by', 'bench', 'at', now()),
                           'bench_filler_noted', now(), '*DEFAULT*', null
                    from streams s, generate_series(1, {StreamLength}) v
                    returning seq_id, stream_id, version)
                insert into incidents.event_chain (seq_id, stream_id, version, prev_hash, hash, linked_at)
                select seq_id, stream_id, version, md5((seq_id - 1)::text), md5(seq_id::text), now() from events;
                """, connection, transaction) { CommandTimeout = 0 };
            await fill.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            stored += (long)streams * StreamLength;
        }
        // What a database that grew over months would have done by now: vacuumed, analysed, checkpointed; not inside the measurement.
        await using var tidy = db.CreateCommand("vacuum (analyze) incidents.mt_streams, incidents.mt_events, incidents.event_chain; checkpoint");
        tidy.CommandTimeout = 0;
        await tidy.ExecuteNonQueryAsync(ct);
        return await StoredAsync(db, ct);
    }
}
