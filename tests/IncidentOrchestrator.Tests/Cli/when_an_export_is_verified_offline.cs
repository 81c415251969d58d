using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentOrchestrator.Cli;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Timeline;

namespace IncidentOrchestrator.Tests.Cli;

/// <summary>
/// <c>incident verify --file</c> recomputes an export's chain with nothing but the file and the contracts library: it must
/// agree with the database that linked the events, whatever an event holds, and find the link someone changed.
/// </summary>
public sealed class when_an_export_is_verified_offline(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task an_export_holding_every_kind_of_event_verifies_and_a_tampered_link_is_found_where_it_is()
    {
        var id = await Host.DeclareIncident("Every kind of event", restricted: false);
        var samples = SampleEvents.Every<ITimelineEvent>(id, new DateTimeOffset(2026, 12, 3, 10, 11, 12, TimeSpan.Zero).AddTicks(1234567)).ToList();
        await using (var session = Store.LightweightSession())
        {
            foreach (var sample in samples) session.Events.Append(id, sample);
            await session.SaveChangesAsync();
        }

        var folder = Directory.CreateTempSubdirectory("offline-verify-");
        try
        {
            var export = JsonNode.Parse((await Host.Get($"/api/incidents/{id}/export", Api.Admin)).ReadAsText())!;
            var links = export["chain"]!["links"]!.AsArray();
            Assert.Equal(samples.Count + 1, links.Count);
            var stored = new TimelineEventTypes(Store);
            Assert.Superset(stored.Names.Select(stored.StoredName).ToHashSet()!, links.Select(l => (string?)l!["type"]!.GetValue<string>()).ToHashSet());
            Assert.Equal(stored.Names.Count, links.Skip(1).Select(l => l!["type"]!.GetValue<string>()).Distinct().Count()); // every kind, once

            var intact = await VerifyAsync(folder, "intact.json", export);
            Assert.Equal(0, intact.ExitCode);
            Assert.True(intact.Verdict.GetProperty("valid").GetBoolean(), intact.Verdict.ToString());
            Assert.Equal(samples.Count + 1, intact.Verdict.GetProperty("events").GetInt32());
            Assert.Equal((await Host.Get($"/api/incidents/{id}/verify", Api.Admin)).Read<ChainVerification>().HeadHash,
                intact.Verdict.GetProperty("headHash").GetString());

            // Someone edits what one event says, and leaves its link alone.
            var edited = JsonNode.Parse(export.ToJsonString())!;
            var data = edited["chain"]!["links"]![9]!["data"]!.GetValue<string>();
            edited["chain"]!["links"]![9]!["data"] = data.Replace("quoted", "QUOTED");
            Assert.NotEqual(data, edited["chain"]!["links"]![9]!["data"]!.GetValue<string>());
            var found = await VerifyAsync(folder, "edited.json", edited);
            Assert.Equal(ExitCodes.Failure, found.ExitCode);
            Assert.Equal(10, found.Verdict.GetProperty("firstBrokenSequence").GetInt64());
            Assert.Equal("the event's content differs from what was linked", found.Verdict.GetProperty("reason").GetString());

            // Someone edits an event and recomputes its link to match: that link holds, and the next no longer follows it.
            var forged = JsonNode.Parse(export.ToJsonString())!;
            var link = forged["chain"]!["links"]![20]!;
            link["data"] = link["data"]!.GetValue<string>().Replace("quoted", "QUOTED");
            link["hash"] = HashChain.Hash(link["previousHash"]!.GetValue<string>(), link["seqId"]!.GetValue<long>(), id, link["sequence"]!.GetValue<long>(),
                link["type"]!.GetValue<string>(), link["timestamp"]!.GetValue<DateTime>(), link["data"]!.GetValue<string>(),
                link["line"]?.GetValue<string>(), link["redactedLine"]?.GetValue<string>());
            var next = await VerifyAsync(folder, "forged.json", forged);
            Assert.Equal(ExitCodes.Failure, next.ExitCode);
            Assert.Equal(22, next.Verdict.GetProperty("firstBrokenSequence").GetInt64());
            Assert.Equal("the link does not follow the previous event", next.Verdict.GetProperty("reason").GetString());

            // A redacted export has no hashed text: it says so rather than calling the history broken or whole.
            var redacted = JsonNode.Parse((await Host.Get($"/api/incidents/{id}/export", Tokens.For("lena.leadership", Roles.Leadership))).ReadAsText())!;
            var withheld = await VerifyAsync(folder, "redacted.json", redacted);
            Assert.Equal(ExitCodes.Failure, withheld.ExitCode);
            Assert.Equal("the export is redacted: it has no hashed text to recompute", withheld.Verdict.GetProperty("reason").GetString());

            // A file that is not an export is a usage error that says so, not a crash.
            var notAnExport = await VerifyAsync(folder, "not-an-export.json", JsonNode.Parse("""{"incident": {}}""")!);
            Assert.Equal(ExitCodes.Usage, notAnExport.ExitCode);
            Assert.Contains("is not an incident export", notAnExport.Error);
            var onePage = await VerifyAsync(folder, "page.json", JsonNode.Parse((await Host.Get($"/api/incidents/{id}/export?limit=5", Api.Admin)).ReadAsText())!);
            Assert.Equal(ExitCodes.Usage, onePage.ExitCode);
            Assert.Contains("one page of an export", onePage.Error);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task<(int ExitCode, JsonElement Verdict, string Error)> VerifyAsync(DirectoryInfo folder, string name, JsonNode export)
    {
        var file = Path.Combine(folder.FullName, name);
        await File.WriteAllTextAsync(file, export.ToJsonString());
        var result = await Host.Incident("", "verify", "--file", file, "-o", "json");
        return (result.ExitCode, result.ExitCode == ExitCodes.Usage ? default : JsonDocument.Parse(result.Out).RootElement.Clone(), result.Error);
    }
}
