using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Security.TamperEvidence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IncidentOrchestrator.Tests.Security;

/// <summary>
/// The incident tool's own history must not be quietly rewritable: the service refuses it, and
/// whatever the database owner does behind its back, verification finds.
/// </summary>
public sealed class when_someone_rewrites_history(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Events = "incidents.mt_events";

    /// <summary>An incident with five events: declared, two participants added, resolved, closed.</summary>
    private async Task<Guid> AnIncidentWithAHistory()
    {
        var id = await Host.DeclareIncident("Activity data exposed", "medium", restricted: true);
        await Host.Post($"/api/incidents/{id}/participants", new { subject = "rui.responder" }, expect: 204);
        await Host.Post($"/api/incidents/{id}/participants", new { subject = "pia.privacy" }, expect: 204);
        await Host.Post($"/api/incidents/{id}/status", new { status = "resolved", reason = "grant revoked" }, expect: 204);
        await Host.Post($"/api/incidents/{id}/status", new { status = "closed", reason = "reviewed" }, expect: 204);
        return id;
    }

    private async Task<ChainVerification> Verify(Guid id) => (await Host.Get($"/api/incidents/{id}/verify")).Read<ChainVerification>();

    [Fact]
    public async Task an_untouched_history_verifies_link_by_link()
    {
        var id = await AnIncidentWithAHistory();
        var other = await AnIncidentWithAHistory();

        var verification = await Verify(id);

        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal((await Host.Timeline(id)).Length, verification.Events);
        Assert.Equal(5, verification.Events);
        Assert.Null(verification.FirstBrokenSequence);
        Assert.Matches("^[0-9a-f]{64}$", verification.HeadHash!);
        Assert.NotEqual(verification.HeadHash, (await Verify(other)).HeadHash); // each stream is its own chain
    }

    [Fact]
    public async Task the_service_account_cannot_update_delete_or_truncate_the_history_or_the_read_audit()
    {
        var id = await AnIncidentWithAHistory();

        foreach (var sql in new[]
                 {
                     $"update {Events} set data = jsonb_set(data, '{{reason}}', '\"nothing happened\"') where stream_id = @incident and version = 4",
                     $"delete from {Events} where stream_id = @incident and version = 2",
                     $"update {Events} set headers = null where stream_id = @incident and version = 2",
                     $"truncate {Events} cascade",
                     "delete from incidents.event_chain where stream_id = @incident",
                     "update incidents.event_chain set hash = 'forged' where stream_id = @incident",
                     "delete from incidents.mt_doc_incidentread",
                     "update incidents.mt_doc_incidentread set data = data",
                     "truncate incidents.mt_doc_incidentread",
                 })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => DatabaseOwner.ExecuteAsync(Fixture.ConnectionString, sql, id));
            Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
            Assert.Contains("append-only", refused.MessageText);
        }

        Assert.True((await Verify(id)).Valid);
    }

    public static TheoryData<string, string, long> Rewrites => new()
    {
        { "a data field is changed", $"update {Events} set data = jsonb_set(data, '{{subject}}', '\"mallory\"') where stream_id = @incident and version = 2", 2 },
        { "a timestamp is moved", $"update {Events} set timestamp = timestamp - interval '1 hour' where stream_id = @incident and version = 3", 3 },
        { "an event's type is changed", $"update {Events} set type = 'incident_closed' where stream_id = @incident and version = 4", 4 },
        { "an event is deleted", $"delete from {Events} where stream_id = @incident and version = 3", 3 },
        { "an event is deleted with its link", $"delete from incidents.event_chain where stream_id = @incident and version = 3; delete from {Events} where stream_id = @incident and version = 3", 3 },
        { "the last event is deleted", $"delete from {Events} where stream_id = @incident and version = 5", 5 },
        { "two events swap contents", $"""
            update {Events} e set data = o.data, type = o.type, mt_dotnet_type = o.mt_dotnet_type from {Events} o
             where e.stream_id = @incident and o.stream_id = @incident
               and ((e.version = 2 and o.version = 3) or (e.version = 3 and o.version = 2))
            """, 2 },
        { "two events swap positions", $"""
            update {Events} set version = -1 where stream_id = @incident and version = 2;
            update {Events} set version = 2 where stream_id = @incident and version = 3;
            update {Events} set version = 3 where stream_id = @incident and version = -1
            """, 2 },
        { "a stored timeline line is changed", $$"""
            update {{Events}} set headers = jsonb_set(headers, '{timeline}', to_jsonb(replace(headers ->> 'timeline', 'rui.responder', 'mallory')))
             where stream_id = @incident and version = 2
            """, 2 },
        { "a redacted timeline line is removed", $"update {Events} set headers = headers - 'timeline-redacted' where stream_id = @incident and version = 4", 4 },
        { "a redacted line is added to an event that had none", $$"""
            update {{Events}} set headers = headers || jsonb_build_object('timeline-redacted', headers ->> 'timeline') where stream_id = @incident and version = 2
            """, 2 },
        { "an event's stored lines are removed", $"update {Events} set headers = null where stream_id = @incident and version = 3", 3 },
        { "an event is appended around the service", Inserted(at: 6), 6 },
        { "an event is inserted in the middle", $"""
            update {Events} set version = version + 100 where stream_id = @incident and version >= 3;
            update {Events} set version = version - 99 where stream_id = @incident and version >= 100;
            {Inserted(at: 3)}
            """, 3 },
    };

    /// <summary>A copy of the second event written at position <paramref name="at"/> with the chain trigger off, as an insider could.</summary>
    private static string Inserted(int at) => $"""
        alter table {Events} disable trigger event_chain_on_append;
        insert into {Events} (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
        select nextval('incidents.mt_events_sequence'), gen_random_uuid(), stream_id, {at}, data, type, timestamp, tenant_id, mt_dotnet_type
          from {Events} where stream_id = @incident and version = 2;
        update incidents.mt_streams set version = 6 where id = @incident;
        alter table {Events} enable trigger event_chain_on_append
        """;

    [Theory, MemberData(nameof(Rewrites))]
    public async Task every_rewrite_is_detected_at_the_first_broken_sequence(string rewrite, string sql, long firstBroken)
    {
        var id = await AnIncidentWithAHistory();
        var untouched = await AnIncidentWithAHistory();
        Assert.True((await Verify(id)).Valid);

        await DatabaseOwner.RewriteHistoryAsync(Fixture.ConnectionString, sql, id);

        var verification = await Verify(id);
        Assert.False(verification.Valid, $"'{rewrite}' went unnoticed");
        Assert.Equal(firstBroken, verification.FirstBrokenSequence);
        Assert.False(string.IsNullOrWhiteSpace(verification.Reason));
        Assert.True((await Verify(untouched)).Valid, "a rewrite of one incident breaks only that incident's chain");
    }

    [Fact]
    public async Task verification_is_subject_to_need_to_know()
    {
        var id = await AnIncidentWithAHistory();
        await Host.Get($"/api/incidents/{id}/verify", Tokens.For("carl.commander", "commander"), expect: 404);
        await Host.Get($"/api/incidents/{Guid.NewGuid()}/verify", expect: 404);
    }

    [Fact]
    public async Task marten_tombstones_with_their_minimum_timestamp_are_chained_too()
    {
        // Marten records the sequence numbers of a rolled-back append as tombstone events dated
        // DateTimeOffset.MinValue, which Npgsql writes as -infinity; the chain must accept them.
        var stream = Guid.NewGuid();
        await DatabaseOwner.ExecuteAsync(Fixture.ConnectionString, $$"""
            insert into incidents.mt_streams (id, tenant_id, version, is_archived) values (@incident, '*DEFAULT*', 1, false);
            insert into {{Events}} (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
            values (nextval('incidents.mt_events_sequence'), gen_random_uuid(), @incident, 1, '{}', 'tombstone', '-infinity', '*DEFAULT*',
                    'JasperFx.Events.Tombstone, JasperFx.Events')
            """, stream);

        var verification = await Host.Services.GetRequiredService<ChainVerifier>().VerifyAsync(stream, CancellationToken.None);
        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal(1, verification.Events);
    }

    [Fact]
    public async Task a_database_from_before_the_chain_is_linked_once_when_the_service_starts()
    {
        var id = await AnIncidentWithAHistory();
        // As it was before tamper evidence existed: no chain, no triggers.
        await DatabaseOwner.ExecuteAsync(Fixture.ConnectionString, $"""
            drop trigger event_chain_on_append on {Events};
            drop trigger events_append_only on {Events};
            drop trigger events_not_truncated on {Events};
            drop table incidents.event_chain;
            """);

        var installer = Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<EventChainInstaller>().Single();
        await installer.StartAsync(CancellationToken.None);

        var verification = await Verify(id);
        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal(5, verification.Events);
        await Host.Post($"/api/incidents/{id}/participants", new { subject = "late.joiner" }, expect: 204); // and new events link on
        Assert.Equal(6, (await Verify(id)).Events);
        Assert.True((await Verify(id)).Valid);
    }
}
