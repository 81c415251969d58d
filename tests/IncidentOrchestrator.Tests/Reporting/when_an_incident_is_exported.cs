using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Reporting;

public sealed class when_an_incident_is_exported(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<Guid> AnIncident()
    {
        var id = await Host.DeclareIncident("Activity data exposed");
        await Host.Post($"/api/incidents/{id}/participants", new { subject = "rui.responder" }, expect: 204);
        await Host.Post($"/api/incidents/{id}/status", new { status = "resolved", reason = "grant revoked for jane.doe" }, expect: 204);
        return id;
    }

    [Fact]
    public async Task anyone_can_recompute_the_chain_of_a_full_export_offline()
    {
        var id = await AnIncident();

        var export = (await Host.Get($"/api/incidents/{id}/export", Api.Commander)).ReadJson();

        Assert.False(export.GetProperty("redacted").GetBoolean());
        var chain = export.GetProperty("chain");
        var links = chain.GetProperty("links").EnumerateArray().ToList();
        Assert.Equal(3, links.Count);
        Assert.Equal(export.GetProperty("timeline").GetArrayLength(), links.Count);

        // A third implementation of the canonical form, written from its description alone.
        var previous = new string('0', 64);
        foreach (var link in links)
        {
            Assert.Equal(previous, link.GetProperty("previousHash").GetString());
            var canonical = string.Join('\n', previous, link.GetProperty("seqId").GetInt64(), id, link.GetProperty("sequence").GetInt64(),
                link.GetProperty("type").GetString(), link.GetProperty("timestamp").GetDateTime().ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"),
                link.GetProperty("data").GetString());
            // an event stored with its timeline line: the line and the redacted line (empty when there is none) follow
            Assert.Equal(JsonValueKind.String, link.GetProperty("line").ValueKind);
            canonical = string.Join('\n', canonical, link.GetProperty("line").GetString(), link.GetProperty("redactedLine").GetString() ?? "");
            previous = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
            Assert.Equal(previous, link.GetProperty("hash").GetString());
        }
        Assert.Equal(previous, chain.GetProperty("verification").GetProperty("headHash").GetString());
    }

    [Fact]
    public async Task a_reader_without_need_to_know_gets_a_redacted_export_without_the_hashed_text()
    {
        var id = await AnIncident();

        var text = (await Host.Get($"/api/incidents/{id}/export", Api.Leadership)).ReadAsText();
        var export = JsonDocument.Parse(text).RootElement;

        Assert.True(export.GetProperty("redacted").GetBoolean());
        Assert.DoesNotContain("jane.doe", text);
        Assert.All(export.GetProperty("chain").GetProperty("links").EnumerateArray(),
            l => Assert.Equal(JsonValueKind.Null, l.GetProperty("data").ValueKind));
        Assert.True(export.GetProperty("chain").GetProperty("verification").GetProperty("valid").GetBoolean());
    }
}
