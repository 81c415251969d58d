using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Security;

/// <summary>Free text and data that can name people are for the incident's participants; everyone else reads them redacted.</summary>
public sealed class when_sensitive_fields_are_read(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Secret = "Jane Doe's browsing history was in the export";

    private async Task<Guid> AnIncidentWithSensitiveText()
    {
        var signal = await Host.SendSignal(Scenarios.Signal("warehouse:hr.activity:all_engineers",
            attributes: new { dataset = "hr.employee_activity", employee = "jane.doe" }));
        await Host.Post($"/api/incidents/{signal.IncidentId}/status", new { status = "resolved", reason = Secret }, expect: 204);
        return signal.IncidentId;
    }

    [Fact]
    public async Task leadership_reads_the_timeline_with_sensitive_fields_redacted()
    {
        var id = await AnIncidentWithSensitiveText();

        var timeline = await Host.Timeline(id, Api.Leadership);

        var text = string.Join("\n", timeline.Select(t => t.Summary + " " + t.Data.GetRawText()));
        Assert.DoesNotContain("Jane Doe", text);
        Assert.DoesNotContain("jane.doe", text);
        var resolved = Assert.Single(timeline, t => t.Type == "IncidentResolved");
        Assert.Equal("[redacted]", resolved.Data.GetProperty("reason").GetString());
        Assert.Equal("Incident resolved: [redacted]", resolved.Summary);
        var signal = Assert.Single(timeline, t => t.Type == "SignalReceived");
        Assert.Equal("[redacted]", signal.Data.GetProperty("attributes").GetString());
        Assert.Equal("acl-scanner", signal.Data.GetProperty("source").GetString()); // what is not sensitive stays
    }

    [Fact]
    public async Task participants_and_admins_read_them_in_full()
    {
        var id = await AnIncidentWithSensitiveText();
        await Host.Post($"/api/incidents/{id}/participants", new { subject = "lena.leadership" }, expect: 204);

        foreach (var token in new[] { Api.Leadership, Api.Admin })
        {
            var timeline = await Host.Timeline(id, token);
            Assert.Contains(timeline, t => t.Summary == $"Incident resolved: {Secret}");
            Assert.Equal("jane.doe", timeline.Single(t => t.Type == "SignalReceived").Data.GetProperty("attributes").GetProperty("employee").GetString());
        }
    }

    [Fact]
    public async Task the_report_a_non_participant_reads_is_redacted_too()
    {
        var id = await AnIncidentWithSensitiveText();

        var redacted = (await Host.Get($"/api/incidents/{id}/report", Api.Leadership)).ReadAsText();
        var full = (await Host.Get($"/api/incidents/{id}/report", Api.Admin)).ReadAsText();

        Assert.DoesNotContain("Jane Doe", redacted);
        Assert.Contains("[redacted]", redacted);
        Assert.Contains("Jane Doe", full);
    }
}
