using IncidentOrchestrator.Hosting;

namespace IncidentOrchestrator.Security.TamperEvidence;

/// <summary>
/// The database side of tamper evidence. Every row appended to the event table is linked, in the
/// same transaction, to the previous event of its stream: <c>hash = SHA-256(previous hash, the
/// event's canonical form, its stored timeline line included)</c>, kept in <c>event_chain</c>; <see cref="Contracts.HashChain"/> states that form for everyone else. The link is made by a trigger so that
/// no append path can skip it, and so that it sees the values PostgreSQL actually stored
/// (sequence, version, timestamp). Appends to one stream are already serialised by Marten's
/// update of the stream row, which is what makes "the previous event" well defined.
/// The event table, the chain and the read audit are also append-only: updating what an event says,
/// or deleting an event, a link or a read record, is refused. The owner of the database can still disable those triggers;
/// what they change then is what <see cref="ChainVerifier"/> detects.
/// </summary>
public static class EventChainSchema
{
    private const string S = IncidentOrchestratorHost.SchemaName;

    /// <summary>One transaction; safe to run on every start and from several nodes at once.</summary>
    public static readonly string Install = $$"""
        select pg_advisory_xact_lock(7301, 1);
        lock table {{S}}.mt_events in share row exclusive mode; -- no append may slip between linking and the trigger
        -- Marten adds it too; here for a database whose schema is applied apart (ApplySchemaOnStart off), so no append fails on it
        alter table {{S}}.mt_events add column if not exists headers jsonb;

        -- (the forms before timeline lines were stored: nothing calls them once the trigger below is replaced)
        drop function if exists {{S}}.event_chain_link(bigint, uuid, bigint, text, timestamptz, jsonb);
        drop function if exists {{S}}.event_chain_hash(text, bigint, uuid, bigint, text, timestamptz, jsonb);

        create or replace function {{S}}.event_chain_hash(
            p_prev text, p_seq_id bigint, p_stream_id uuid, p_version bigint, p_type text, p_at timestamptz, p_data jsonb, p_headers jsonb)
        returns text language sql stable as $fn$
            select encode(sha256(convert_to(
                p_prev || E'\n' || p_seq_id || E'\n' || p_stream_id || E'\n' || p_version || E'\n' || p_type || E'\n' ||
                -- Marten's tombstones carry DateTimeOffset.MinValue, which Npgsql writes as -infinity (to_char gives null)
                case when isfinite(p_at) then to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') else p_at::text end
                || E'\n' || coalesce(p_data::text, '')
                -- an event stored with its timeline line: what a page shows is linked too
                || case when p_headers ->> '{{Contracts.HashChain.LineHeader}}' is null
                             and p_headers ->> '{{Contracts.HashChain.RedactedLineHeader}}' is null then ''
                        else E'\n' || coalesce(p_headers ->> '{{Contracts.HashChain.LineHeader}}', '') || E'\n' ||
                             coalesce(p_headers ->> '{{Contracts.HashChain.RedactedLineHeader}}', '') end,
                'UTF8')), 'hex')
        $fn$;

        create or replace function {{S}}.event_chain_link(
            p_seq_id bigint, p_stream_id uuid, p_version bigint, p_type text, p_at timestamptz, p_data jsonb, p_headers jsonb)
        returns void language plpgsql as $fn$
        declare prev text;
        begin
            select c.hash into prev from {{S}}.event_chain c
             where c.stream_id = p_stream_id order by c.version desc limit 1;
            prev := coalesce(prev, '{{Contracts.HashChain.Genesis}}');
            insert into {{S}}.event_chain (seq_id, stream_id, version, prev_hash, hash)
            values (p_seq_id, p_stream_id, p_version, prev,
                    {{S}}.event_chain_hash(prev, p_seq_id, p_stream_id, p_version, p_type, p_at, p_data, p_headers));
        end
        $fn$;

        do $install$
        begin
            if to_regclass('{{S}}.event_chain') is null then
                create table {{S}}.event_chain (
                    seq_id bigint primary key,
                    stream_id uuid not null,
                    version bigint not null,
                    prev_hash text not null,
                    hash text not null,
                    linked_at timestamptz not null default now());
                create unique index event_chain_stream_version on {{S}}.event_chain (stream_id, version);
                -- First install on a database that already has events: link them once, in stream order.
                -- Never again afterwards, or an event slipped in with the triggers off would be blessed.
                perform {{S}}.event_chain_link(e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.data, e.headers)
                   from (select * from {{S}}.mt_events order by stream_id, version) e;
            end if;
        end
        $install$;

        create or replace function {{S}}.event_chain_on_append() returns trigger language plpgsql as $fn$
        begin
            perform {{S}}.event_chain_link(NEW.seq_id, NEW.stream_id, NEW.version, NEW.type, NEW.timestamp, NEW.data, NEW.headers);
            return NEW;
        end
        $fn$;

        create or replace function {{S}}.event_history_is_append_only() returns trigger language plpgsql as $fn$
        begin
            if TG_OP = 'UPDATE' and TG_TABLE_NAME = 'mt_events' then
                -- (nested: the row fields below exist only on the event table)
                if (NEW.seq_id, NEW.id, NEW.stream_id, NEW.version, NEW.type, NEW.timestamp, NEW.data, NEW.headers)
                   is not distinct from (OLD.seq_id, OLD.id, OLD.stream_id, OLD.version, OLD.type, OLD.timestamp, OLD.data, OLD.headers) then
                    return NEW; -- bookkeeping columns (archiving) may change; what the event says may not
                end if;
            end if;
            raise exception 'The incident history is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
                using errcode = 'insufficient_privilege';
        end
        $fn$;

        drop trigger if exists event_chain_on_append on {{S}}.mt_events;
        create trigger event_chain_on_append after insert on {{S}}.mt_events
            for each row execute function {{S}}.event_chain_on_append();

        drop trigger if exists events_append_only on {{S}}.mt_events;
        create trigger events_append_only before update or delete on {{S}}.mt_events
            for each row execute function {{S}}.event_history_is_append_only();
        drop trigger if exists events_not_truncated on {{S}}.mt_events;
        create trigger events_not_truncated before truncate on {{S}}.mt_events
            for each statement execute function {{S}}.event_history_is_append_only();

        drop trigger if exists chain_append_only on {{S}}.event_chain;
        create trigger chain_append_only before update or delete on {{S}}.event_chain
            for each row execute function {{S}}.event_history_is_append_only();
        drop trigger if exists chain_not_truncated on {{S}}.event_chain;
        create trigger chain_not_truncated before truncate on {{S}}.event_chain
            for each statement execute function {{S}}.event_history_is_append_only();

        -- The read audit is history too: a record of who read a restricted incident is never changed or removed.
        drop trigger if exists reads_append_only on {{S}}.mt_doc_incidentread;
        create trigger reads_append_only before update or delete on {{S}}.mt_doc_incidentread
            for each row execute function {{S}}.event_history_is_append_only();
        drop trigger if exists reads_not_truncated on {{S}}.mt_doc_incidentread;
        create trigger reads_not_truncated before truncate on {{S}}.mt_doc_incidentread
            for each statement execute function {{S}}.event_history_is_append_only();
        """;
}
