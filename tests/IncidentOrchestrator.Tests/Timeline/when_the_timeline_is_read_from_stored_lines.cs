using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Timeline;
using Marten;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentOrchestrator.Tests.Timeline;

/// <summary>
/// Each event's timeline line is made when it is appended and stored with it; a page passes the stored text through. What
/// it shows must be what the event says, for a participant and redacted for everyone else, and a line rewritten in the
/// database is shown as stored but found by verification.
/// </summary>
public sealed class when_the_timeline_is_read_from_stored_lines(AppFixture fixture) : IntegrationContext(fixture)
{
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    private async Task<Guid> AnIncidentWithSensitiveText()
    {
        var signal = await Host.SendSignal(Scenarios.Signal($"stored-lines:{Guid.NewGuid():N}",
            attributes: new { dataset = "hr.employee_activity", employee = "jane.doe" }));
        await Host.Post($"/api/incidents/{signal.IncidentId}/participants", new { subject = "rui.responder" }, expect: 204);
        await Host.Post($"/api/incidents/{signal.IncidentId}/status", new { status = "resolved", reason = "Jane Doe's history was exposed" },
            expect: 204);
        return signal.IncidentId;
    }

    /// <summary>The timeline as the events themselves describe it, read into their types now.</summary>
    private async Task<JsonArray> Described(Guid id, bool redact)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(id);
        return JsonSerializer.SerializeToNode(TimelineProjection.Project(events, redact), Json)!.AsArray();
    }

    private async Task<JsonArray> Page(string url, string? token = null) =>
        JsonNode.Parse((await Host.Get(url, token)).ReadAsText())!.AsArray();

    [Fact]
    public async Task every_event_is_stored_with_its_line_and_a_page_says_what_the_events_say_in_full_and_redacted()
    {
        var id = await AnIncidentWithSensitiveText();
        await using (var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var lines = await session.QueryAsync<int>(
                $"select count(*)::int from incidents.mt_events where stream_id = ? and headers ->> '{StoredLine.Header}' is null", id);
            Assert.Equal(0, lines.Single());
        }

        var full = await Page($"/api/incidents/{id}/timeline", Api.Admin);
        var redacted = await Page($"/api/incidents/{id}/timeline", Api.Leadership);

        Assert.True(JsonNode.DeepEquals(await Described(id, redact: false), full), full.ToJsonString());
        Assert.True(JsonNode.DeepEquals(await Described(id, redact: true), redacted), redacted.ToJsonString());
        Assert.Contains("jane.doe", full.ToJsonString());
        Assert.DoesNotContain("jane.doe", redacted.ToJsonString());
        Assert.DoesNotContain("Jane Doe", redacted.ToJsonString());

        // Filters in SQL, newest first: the same items the described timeline has, in its order reversed.
        var resolved = await Page($"/api/incidents/{id}/timeline?types=IncidentResolved,ParticipantAdded&before=100", Api.Leadership);
        Assert.Equal(["IncidentResolved", "ParticipantAdded"], resolved.Select(i => i!["type"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(new JsonArray((await Described(id, redact: true))
            .Where(i => i!["type"]!.GetValue<string>() is "IncidentResolved" or "ParticipantAdded").Reverse().Select(i => i!.DeepClone()).ToArray()),
            resolved));

        // A time with an offset reads as the same instant.
        var since = full[^1]!["recordedAt"]!.GetValue<DateTimeOffset>();
        var utc = await Page($"/api/incidents/{id}/timeline?from={Uri.EscapeDataString(since.ToUniversalTime().ToString("O"))}", Api.Admin);
        var local = await Page($"/api/incidents/{id}/timeline?from={Uri.EscapeDataString(since.ToOffset(TimeSpan.FromHours(2)).ToString("O"))}", Api.Admin);
        Assert.Equal(full.Count(i => i!["recordedAt"]!.GetValue<DateTimeOffset>() >= since), utc.Count);
        Assert.NotEmpty(utc);
        Assert.True(JsonNode.DeepEquals(utc, local));
    }

    [Theory]
    [InlineData("its redacted line is removed", "headers - 'timeline-redacted'")]
    [InlineData("its redacted line was made under other sensitive fields (which hid nothing here)",
        "jsonb_set(jsonb_set(headers, '{timeline-redaction}', '\"0123456789abcdef\"'), '{timeline-redacted}', '\"\"')")]
    [InlineData("its redacted line and fingerprint are removed (its type hides a field today)",
        "headers - 'timeline-redacted' - 'timeline-redaction'")]
    [InlineData("its redacted line is emptied (the chain hashes it as none)", "jsonb_set(headers, '{timeline-redacted}', '\"\"')")]
    [InlineData("its redacted line shows the field and claims another redaction (the fingerprint alone keeps it out)",
        "jsonb_set(jsonb_set(headers, '{timeline-redaction}', '\"0123456789abcdef\"'), '{timeline-redacted}', to_jsonb(headers ->> 'timeline'))")]
    [InlineData("its line is not one JSON object", "jsonb_set(headers, '{timeline}', to_jsonb((headers ->> 'timeline') || ',{\"extra\":1}'))")]
    [InlineData("its line claims another position", "jsonb_set(headers, '{timeline}', to_jsonb(replace(headers ->> 'timeline', '{\"at\":', '{\"Sequence\":1,\"at\":')))")]
    [InlineData("its line has a field no line has", "jsonb_set(headers, '{timeline}', to_jsonb(replace(headers ->> 'timeline', '{\"at\":', '{\"extra\":1,\"at\":')))")]
    [InlineData("its line is an empty object", "jsonb_set(headers, '{timeline}', '\"{}\"')")]
    public async Task an_event_whose_stored_lines_cannot_be_passed_through_is_described_as_it_is_read(string rewrite, string headers)
    {
        var id = await AnIncidentWithSensitiveText();
        var resolved = (await Page($"/api/incidents/{id}/timeline", Api.Admin))
            .Single(i => i!["type"]!.GetValue<string>() == "IncidentResolved")!["sequence"]!.GetValue<long>();
        await DatabaseOwner.RewriteHistoryAsync(Fixture.ConnectionString,
            $"update incidents.mt_events set headers = {headers} where stream_id = @incident and version = {resolved}", id);

        foreach (var (token, redact) in new[] { (Api.Leadership, true), (Api.Admin, false) })
        {
            var page = await Page($"/api/incidents/{id}/timeline", token);
            Assert.True(JsonNode.DeepEquals(await Described(id, redact), page), $"{rewrite}: {page.ToJsonString()}");
        }
        Assert.DoesNotContain("Jane Doe", (await Page($"/api/incidents/{id}/timeline", Api.Leadership)).ToJsonString());
        Assert.False((await Host.Services.GetRequiredService<ChainVerifier>().VerifyAsync(id, CancellationToken.None)).Valid, rewrite);

        // the console's rows read the same items
        await using var session = Store.QuerySession();
        var console = await StoredLine.ItemsAsync(session, Host.Services.GetRequiredService<TimelineEventTypes>(), new(id, false, 0, 200, [], [], null, true), CancellationToken.None);
        Assert.True(JsonNode.DeepEquals(await Described(id, redact: true), JsonSerializer.SerializeToNode(console.Items, Json)), rewrite);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task an_event_described_among_stored_lines_keeps_its_place_and_the_next_page_starts_after_it(bool backward)
    {
        var id = await AnIncidentWithSensitiveText();
        await Host.Post($"/api/incidents/{id}/participants", new { subject = "ana.analyst" }, expect: 204); // more after the resolution
        var all = await Described(id, redact: true);
        var added = all.First(i => i!["type"]!.GetValue<string>() == "ParticipantAdded")!["sequence"]!.GetValue<long>();
        Assert.InRange(added, 3, all.Count - 2); // an event with two neighbours on each side, so that both directions go on
        await DatabaseOwner.RewriteHistoryAsync(Fixture.ConnectionString,
            $"update incidents.mt_events set headers = headers - 'timeline' where stream_id = @incident and version = {added}", id);

        // the described event first, then its neighbour from its stored line: it keeps its place, and the next page starts
        // after the neighbour
        var (url, neighbour) = backward
            ? ($"/api/incidents/{id}/timeline?before={added + 1}&limit=2", added - 1)
            : ($"/api/incidents/{id}/timeline?after={added - 1}&limit=2", added + 1);
        var response = await Host.Get(url, Api.Leadership);
        var page = JsonNode.Parse(response.ReadAsText())!.AsArray();
        JsonNode At(long sequence) => all.Single(i => i!["sequence"]!.GetValue<long>() == sequence)!.DeepClone();
        Assert.True(JsonNode.DeepEquals(new JsonArray(At(added), At(neighbour)), page), page.ToJsonString());
        var link = System.Text.RegularExpressions.Regex.Match(response.Context.Response.Headers["Link"].ToString(),
            $@"[?&]{(backward ? "before" : "after")}=(\d+)");
        Assert.Equal(neighbour.ToString(), link.Groups[1].Value);
    }

    [Fact]
    public async Task a_page_shows_the_line_as_stored_and_verification_finds_one_rewritten()
    {
        var id = await AnIncidentWithSensitiveText();
        var sequence = (await Page($"/api/incidents/{id}/timeline", Api.Admin))
            .Single(i => i!["type"]!.GetValue<string>() == "ParticipantAdded")!["sequence"]!.GetValue<long>();
        Assert.True((await Host.Services.GetRequiredService<ChainVerifier>().VerifyAsync(id, CancellationToken.None)).Valid);

        await DatabaseOwner.RewriteHistoryAsync(Fixture.ConnectionString, $$"""
            update incidents.mt_events
               set headers = jsonb_set(headers, '{{{StoredLine.Header}}}', to_jsonb(replace(headers ->> '{{StoredLine.Header}}', 'rui.responder', 'mallory')))
             where stream_id = @incident and version = {{sequence}}
            """, id);

        var shown = (await Page($"/api/incidents/{id}/timeline", Api.Admin)).Single(i => i!["sequence"]!.GetValue<long>() == sequence)!;
        Assert.Contains("mallory", shown["summary"]!.GetValue<string>());
        var verification = await Host.Services.GetRequiredService<ChainVerifier>().VerifyAsync(id, CancellationToken.None);
        Assert.False(verification.Valid, "a rewritten timeline line went unnoticed");
        Assert.Equal(sequence, verification.FirstBrokenSequence);
    }

    [Fact]
    public async Task every_door_shows_the_lines_as_stored_in_full_and_redacted()
    {
        var id = await AnIncidentWithSensitiveText();
        var resolved = (await Page($"/api/incidents/{id}/timeline", Api.Admin))
            .Single(i => i!["type"]!.GetValue<string>() == "IncidentResolved")!["sequence"]!.GetValue<long>();

        // A mark in both stored lines of an event that hides a field: only a door that passes them through can show it.
        await DatabaseOwner.RewriteHistoryAsync(Fixture.ConnectionString, $$"""
            update incidents.mt_events
               set headers = headers
                   || jsonb_build_object('{{StoredLine.Header}}', replace(headers ->> '{{StoredLine.Header}}', 'Incident resolved', 'Marked full'))
                   || jsonb_build_object('{{StoredLine.RedactedHeader}}', replace(headers ->> '{{StoredLine.RedactedHeader}}', 'Incident resolved', 'Marked redacted'))
             where stream_id = @incident and version = {{resolved}}
            """, id);

        string SummaryIn(JsonArray items) => items.Single(i => i!["sequence"]!.GetValue<long>() == resolved)!["summary"]!.GetValue<string>();
        Assert.StartsWith("Marked full", SummaryIn(await Page($"/api/incidents/{id}/timeline", Api.Admin)));
        Assert.StartsWith("Marked redacted", SummaryIn(await Page($"/api/incidents/{id}/timeline", Api.Leadership)));
        // a page filtered by who acted reads the same lines, forward and backward
        var actor = (await Page($"/api/incidents/{id}/timeline", Api.Admin)).Single(i => i!["sequence"]!.GetValue<long>() == resolved)!["actor"]!.GetValue<string>();
        Assert.StartsWith("Marked full", SummaryIn(await Page($"/api/incidents/{id}/timeline?actor={Uri.EscapeDataString(actor)}", Api.Admin)));
        Assert.StartsWith("Marked redacted",
            SummaryIn(await Page($"/api/incidents/{id}/timeline?actor={Uri.EscapeDataString(actor)}&before={long.MaxValue}", Api.Leadership)));
        Assert.StartsWith("Marked full", SummaryIn(JsonNode.Parse((await Host.Get($"/api/incidents/{id}/export", Api.Admin)).ReadAsText())!["timeline"]!.AsArray()));
        Assert.StartsWith("Marked redacted",
            SummaryIn(JsonNode.Parse((await Host.Get($"/api/incidents/{id}/export", Api.Leadership)).ReadAsText())!["timeline"]!.AsArray()));

        // the post-incident report
        Assert.Contains("Marked full", (await Host.Get($"/api/incidents/{id}/report", Api.Admin)).ReadAsText());
        var report = (await Host.Get($"/api/incidents/{id}/report", Api.Leadership)).ReadAsText();
        Assert.Contains("Marked redacted", report);
        Assert.DoesNotContain("Marked full", report);

        // the console's rows, the live feed and the report read items through ItemsAsync
        await using var session = Store.QuerySession();
        foreach (var (redact, mark) in new[] { (false, "Marked full"), (true, "Marked redacted") })
        {
            var (items, _) = await StoredLine.ItemsAsync(session, Host.Services.GetRequiredService<TimelineEventTypes>(), new(id, false, 0, 200, [], [], null, redact), CancellationToken.None);
            Assert.StartsWith(mark, items.Single(i => i.Sequence == resolved).Summary);
            var (ofActor, _) = await StoredLine.ItemsAsync(session, Host.Services.GetRequiredService<TimelineEventTypes>(), new(id, false, 0, 200, [], [], null, redact, actor), CancellationToken.None);
            Assert.StartsWith(mark, ofActor.Single(i => i.Sequence == resolved).Summary);
        }
    }

    [Fact]
    public async Task an_event_whose_sentence_cannot_be_made_is_appended_linked_and_read_with_a_line_named_by_its_type()
    {
        var streamId = Guid.CreateVersion7();
        var at = DateTimeOffset.UtcNow;
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream<UndescribableSubject>(streamId, new UndescribableNoteAdded(streamId, "tester", at));
            await session.SaveChangesAsync();
        }
        Assert.True((await Host.Services.GetRequiredService<ChainVerifier>().VerifyAsync(streamId, CancellationToken.None)).Valid);

        await using var query = Store.QuerySession();
        var types = Host.Services.GetRequiredService<TimelineEventTypes>();
        foreach (var redact in new[] { false, true })
        {
            var item = JsonNode.Parse((await StoredLine.PageAsync(query, types, new(streamId, false, 0, 10, [], [], null, redact),
                CancellationToken.None)).Items.Single())!;
            Assert.Equal("UndescribableNoteAdded (its sentence could not be made)", item["summary"]!.GetValue<string>());
            Assert.Equal(redact ? "{}" : $"\"{streamId}\"", (redact ? item["data"]!.ToJsonString() : item["data"]!["streamId"]!.ToJsonString()));
        }
    }

    [Fact]
    public async Task an_event_appended_with_a_line_named_by_its_type_or_with_none_is_logged_once_a_type_as_the_defect_it_is()
    {
        var logger = new FakeLogger<StoredLine.Writer>();
        var writer = new StoredLine.Writer(logger);
        var streamId = Guid.CreateVersion7();
        await using var session = Store.LightweightSession();
        session.Events.StartStream<UndescribableSubject>(streamId, new UndescribableNoteAdded(streamId, "tester", DateTimeOffset.UtcNow),
            new UndescribableNoteAdded(streamId, "tester", DateTimeOffset.UtcNow),
            new IncidentOrchestrator.Incidents.IncidentNoteAdded(streamId, "a note", "tester", DateTimeOffset.UtcNow),
            new UnwritableNoteAdded(streamId, typeof(string)));

        await writer.BeforeSaveChangesAsync(session, CancellationToken.None);
        await writer.BeforeSaveChangesAsync(session, CancellationToken.None); // the same defects again: already said

        var logged = logger.Collector.GetSnapshot();
        Assert.Equal(2, logged.Count);
        Assert.All(logged, l => Assert.Equal(LogLevel.Error, l.Level));
        Assert.All(logged, l => Assert.Contains(streamId.ToString(), l.Message));
        Assert.Contains("UndescribableNoteAdded", logged[0].Message);
        Assert.Contains("named by its type", logged[0].Message);
        Assert.Equal("no sentence can be made of this", logged[0].Exception?.Message);
        Assert.Contains("UnwritableNoteAdded", logged[1].Message);
        Assert.Contains("without a timeline line", logged[1].Message);
        Assert.IsType<NotSupportedException>(logged[1].Exception);
    }

    [Fact]
    public async Task an_event_of_a_type_the_timeline_does_not_know_is_described_for_a_redacted_reader_without_its_redacted_line()
    {
        var streamId = Guid.CreateVersion7();
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream<UndescribableSubject>(streamId, new SecretNoteAdded(streamId, "jane.doe", "tester", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        await DatabaseOwner.RewriteHistoryAsync(Fixture.ConnectionString,
            "update incidents.mt_events set headers = headers - 'timeline-redacted' - 'timeline-redaction' where stream_id = @incident", streamId);

        await using var query = Store.QuerySession();
        var types = Host.Services.GetRequiredService<TimelineEventTypes>();
        var redacted = System.Text.Encoding.UTF8.GetString((await StoredLine.PageAsync(query, types,
            new(streamId, false, 0, 10, [], [], null, Redact: true), CancellationToken.None)).Items.Single());
        Assert.DoesNotContain("jane.doe", redacted); // its full line was there to be passed
        Assert.Contains("A note by tester", redacted);
        var full = System.Text.Encoding.UTF8.GetString((await StoredLine.PageAsync(query, types,
            new(streamId, false, 0, 10, [], [], null, Redact: false), CancellationToken.None)).Items.Single());
        Assert.Contains("jane.doe", full);
    }

    /// <summary>An event with a sensitive field, of a type the timeline's list does not name (it lives in the tests).</summary>
    private sealed record SecretNoteAdded(Guid StreamId, [property: IncidentOrchestrator.Security.Sensitive] string Secret, string Actor, DateTimeOffset At)
        : ITimelineEvent
    {
        public string Describe() => $"A note by {Actor}: {Secret}";
    }

    /// <summary>A stream of its own, so that no incident's reader meets the event below.</summary>
    private sealed class UndescribableSubject
    {
        public Guid Id { get; set; }
    }

    /// <summary>An event whose line cannot be written as JSON (the serializer refuses a <see cref="Type"/>).</summary>
    private sealed record UnwritableNoteAdded(Guid StreamId, Type Kind);

    /// <summary>An event whose sentence cannot be made, as a defect in a new event type's <c>Describe</c> would leave it.</summary>
    private sealed record UndescribableNoteAdded(Guid StreamId, string Actor, DateTimeOffset At) : ITimelineEvent
    {
        public string Describe() => throw new InvalidOperationException("no sentence can be made of this");
    }
}
