using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.FollowUps;

/// <summary>
/// After the incident: it is resolved, reviewed (each field an event, by those who took part), and closed only once a high or critical
/// incident's review is written.
/// </summary>
public sealed class when_an_incident_is_reviewed(AppFixture fixture) : IntegrationContext(fixture)
{
    private static readonly object WholeReview = new
    {
        summary = "Activity data was readable by staff outside the allow-list for 9 days.",
        impact = new { people = "412 employees' activity", data = "hr.employee_activity", duration = "9 days" },
        rootCause = "A group grant added for the AI-training pipeline included all staff.",
        contributingFactors = "No review of grants on the dataset.",
        wentWell = "Revoked within 20 minutes of detection.",
        wentBadly = "Nobody owned the dataset's access list.",
    };

    [Fact]
    public async Task a_high_incident_closes_only_once_every_field_of_its_review_is_written()
    {
        var id = await Host.DeclareIncident(severity: "high");
        var early = (await Host.Post($"/api/incidents/{id}/status", new { status = "reviewing" }, expect: 409)).Read<ProblemView>();
        Assert.Contains("once it is resolved", early.Detail);

        await Host.Post($"/api/incidents/{id}/status", new { status = "resolved" }, expect: 204);
        await Host.Post($"/api/incidents/{id}/status", new { status = "reviewing" }, expect: 204);
        Assert.Equal("reviewing", (await Host.Incident(id)).Status);
        await Host.Put($"/api/incidents/{id}/review", new { summary = "Exposed for 9 days.", rootCause = "An all-staff group grant." }, expect: 204);

        var refused = (await Host.Post($"/api/incidents/{id}/status", new { status = "closed" }, expect: 409)).Read<ProblemView>();
        Assert.Equal(["contributingFactors", "impact.data", "impact.duration", "impact.people", "wentBadly", "wentWell"], refused.Errors!.Keys.Order());
        Assert.Contains("people affected", refused.Detail);

        await Host.Put($"/api/incidents/{id}/review", WholeReview, expect: 204);
        await Host.Post($"/api/incidents/{id}/review/decisions", new { decision = "Every AI-training dataset gets an owner and a monthly review." },
            expect: 204);
        await Host.Post($"/api/incidents/{id}/status", new { status = "closed" }, expect: 204);

        var review = (await Host.Get($"/api/incidents/{id}")).ReadJson().GetProperty("review");
        Assert.Equal("412 employees' activity", review.GetProperty("impact").GetProperty("people").GetString());
        Assert.Equal("A group grant added for the AI-training pipeline included all staff.", review.GetProperty("rootCause").GetString());
        Assert.Empty(review.GetProperty("missing").EnumerateArray());
        Assert.Equal("cora.commander", review.GetProperty("decisions")[0].GetProperty("by").GetString());

        var timeline = await Host.Timeline(id);
        Assert.Contains(timeline, t => t.Type == "IncidentReviewBegan");
        // The first edit wrote two fields, the second rewrote summary and root cause and wrote the six others: one event per field changed.
        Assert.Equal(2 + 8, timeline.Count(t => t.Type == "IncidentReviewEdited"));
        Assert.Contains(timeline, t => t.Summary == "Review: root cause written");
        Assert.Contains(timeline, t => t.Summary == "Review decision: Every AI-training dataset gets an owner and a monthly review.");

        var final = (await Host.Put($"/api/incidents/{id}/review", new { summary = "rewritten" }, expect: 409)).Read<ProblemView>();
        Assert.Contains("final", final.Detail);
    }

    [Fact]
    public async Task the_report_shows_the_review_and_its_follow_ups_redacted_for_who_takes_no_part()
    {
        var id = await Host.DeclareIncident(severity: "high");
        await Host.Put($"/api/incidents/{id}/review", WholeReview, expect: 204);
        await Host.Post($"/api/incidents/{id}/review/decisions", new { decision = "Monthly access reviews" }, expect: 204);
        await Host.Post($"/api/incidents/{id}/followups", new { title = "Give the dataset an owner", due = "2031-03-01", tags = new[] { "safeguard" } }, expect: 201);

        var report = (await Host.Get($"/api/incidents/{id}/report")).ReadAsText();
        Assert.Contains("## Review", report);
        Assert.Contains("### Root cause\n\nA group grant added for the AI-training pipeline included all staff.", report.ReplaceLineEndings("\n"));
        Assert.Contains("- Monthly access reviews (cora.commander, ", report);
        Assert.Contains("| Give the dataset an owner | cora.commander | 2031-03-01 | open | high | safeguard |  |", report);

        // A reader who takes no part reads the shape, not the words.
        var theirs = (await Host.Get($"/api/incidents/{id}/report", Api.Leadership)).ReadAsText();
        Assert.DoesNotContain("all staff", theirs);
        Assert.DoesNotContain("Give the dataset an owner", theirs);
        Assert.Contains("| [redacted] | cora.commander | 2031-03-01 | open | high | safeguard |  |", theirs);
    }

    [Fact]
    public async Task the_same_text_again_records_nothing_and_an_empty_text_clears_a_field()
    {
        var id = await Host.DeclareIncident(severity: "low");
        await Host.Put($"/api/incidents/{id}/review", new { summary = "first" }, expect: 204);
        await Host.Put($"/api/incidents/{id}/review", new { summary = "first" }, expect: 204);
        await Host.Put($"/api/incidents/{id}/review", new { summary = "" }, expect: 204);

        Assert.Equal(["Review: summary written", "Review: summary cleared"],
            (await Host.Timeline(id)).Where(t => t.Type == "IncidentReviewEdited").Select(t => t.Summary));
        var review = (await Host.Get($"/api/incidents/{id}")).ReadJson().GetProperty("review");
        Assert.Equal(JsonValueKind.Null, review.GetProperty("summary").ValueKind);
        // A low incident closes without a review.
        await Host.Post($"/api/incidents/{id}/status", new { status = "closed" }, expect: 204);
    }

    [Fact]
    public async Task only_those_who_take_part_write_it_and_bad_input_names_its_field()
    {
        var id = await Host.DeclareIncident();
        var outsider = (await Host.Put($"/api/incidents/{id}/review", new { summary = "mine" }, Api.Responder, expect: 403)).Read<ProblemView>();
        Assert.Contains("commander and participants", outsider.Detail);
        await Host.Post($"/api/incidents/{id}/review/decisions", new { decision = "x" }, Api.Responder, expect: 403);

        await Host.Post($"/api/incidents/{id}/participants", new { subject = "rui.responder" }, expect: 204);
        await Host.Put($"/api/incidents/{id}/review", new { wentWell = "fast revoke" }, Api.Responder, expect: 204);

        var empty = (await Host.Put($"/api/incidents/{id}/review", new { }, expect: 400)).Read<ProblemView>();
        Assert.Contains("$", empty.Errors!.Keys);
        var tooLong = (await Host.Put($"/api/incidents/{id}/review", new { rootCause = new string('x', 20_001) }, expect: 400)).Read<ProblemView>();
        Assert.Contains("rootCause", tooLong.Errors!.Keys);
        var wrongType = (await Host.Put($"/api/incidents/{id}/review", new { impact = "everyone" }, expect: 400)).Read<ProblemView>();
        Assert.NotNull(wrongType.Errors);
        await Host.Post($"/api/incidents/{id}/review/decisions", new { decision = " " }, expect: 400);
        Assert.Equal(1, (await Host.Timeline(id)).Count(t => t.Type == "IncidentReviewEdited"));
    }
}
