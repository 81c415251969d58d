using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Alba;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Integrations;

/// <summary>
/// Alerts from the monitoring people already run (Alertmanager, CloudEvents, PagerDuty Events v2) open and join incidents.
/// The bodies follow the vendors' documented examples.
/// </summary>
public sealed class when_monitoring_sends_alerts(AppFixture fixture) : IntegrationContext(fixture)
{
    // Alertmanager's webhook_config body (version 4), as its documentation gives it.
    private static string Alertmanager(string status, params (string Fingerprint, string Status, string Severity)[] alerts) => JsonSerializer.Serialize(new
    {
        version = "4", groupKey = "{}:{alertname=\"HRShareWorldReadable\"}", truncatedAlerts = 0, status, receiver = "incidents",
        groupLabels = new { alertname = "HRShareWorldReadable" }, commonLabels = new { alertname = "HRShareWorldReadable" },
        commonAnnotations = new { }, externalURL = "http://alertmanager:9093",
        alerts = alerts.Select(a => new
        {
            status = a.Status,
            labels = new Dictionary<string, string> { ["alertname"] = "HRShareWorldReadable", ["severity"] = a.Severity, ["instance"] = a.Fingerprint },
            annotations = new { summary = $"{a.Fingerprint} is readable by all staff" },
            startsAt = "2026-11-30T09:12:00.000Z", endsAt = a.Status == "resolved" ? "2026-11-30T10:00:00.000Z" : "0001-01-01T00:00:00Z",
            generatorURL = "http://prometheus:9090/graph?g0.expr=acl_world_readable", fingerprint = a.Fingerprint,
        }),
    });

    private Task<IScenarioResult> Send(string url, string body, string contentType, int expect, string? token = null,
        IReadOnlyDictionary<string, string>? headers = null, AuthenticationHeaderValue? authorization = null) => Host.Scenario(x =>
    {
        x.Post.Text(body).ToUrl(url).ContentType(contentType);
        if (authorization is not null) x.WithRequestHeader("Authorization", authorization.ToString());
        else x.WithBearerToken(token ?? Api.Ingest);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) x.WithRequestHeader(name, value);
        x.StatusCodeShouldBe(expect);
    });

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Fact]
    public async Task an_alertmanager_group_opens_an_incident_per_fingerprint_and_a_resolution_shows_on_the_timeline()
    {
        var answer = (await Send("/api/signals/alertmanager", Alertmanager("firing", ("hr-share", "firing", "critical"), ("hr-export", "firing", "warning")),
            "application/json", 202, authorization: Basic(AppFixture.AlertmanagerUser, AppFixture.AlertmanagerPassword))).ReadJson();

        var signals = answer.GetProperty("signals").EnumerateArray().ToList();
        Assert.Equal(2, signals.Count);
        var incident = signals[0].GetProperty("incidentId").GetGuid();
        var view = await Host.Incident(incident);
        Assert.Equal("critical", view.Severity);
        Assert.Equal("hr-share is readable by all staff", view.Title);
        Assert.Equal("medium", (await Host.Incident(signals[1].GetProperty("incidentId").GetGuid())).Severity);
        var received = (await Host.Timeline(incident)).Single(t => t.Type == "SignalReceived");
        Assert.Equal("alertmanager", received.Actor);
        Assert.Equal("HRShareWorldReadable", received.Data.GetProperty("type").GetString());

        // The same alert again joins the incident; then it resolves.
        var again = (await Send("/api/signals/alertmanager", Alertmanager("firing", ("hr-share", "firing", "critical")), "application/json", 202)).ReadJson();
        Assert.True(again.GetProperty("signals")[0].GetProperty("correlated").GetBoolean());
        var resolved = (await Send("/api/signals/alertmanager", Alertmanager("resolved", ("hr-share", "resolved", "critical")), "application/json", 202)).ReadJson();

        var recorded = resolved.GetProperty("resolved")[0];
        Assert.Equal(incident, recorded.GetProperty("incidentId").GetGuid());
        Assert.True(recorded.GetProperty("allResolved").GetBoolean());
        var timeline = await Host.Timeline(incident);
        Assert.Contains(timeline, t => t.Type == "SignalResolved" && t.Data.GetProperty("fingerprint").GetString() == "alertmanager:hr-share");
        Assert.Single(timeline, t => t.Type == "IncidentSignalsAllResolved");
        Assert.Equal("open", (await Host.Incident(incident)).Status); // said, not acted on
    }

    [Fact]
    public async Task an_incident_says_all_resolved_only_when_every_fingerprint_has()
    {
        var first = (await Send("/api/signals/alertmanager", Alertmanager("firing", ("db-1", "firing", "critical")), "application/json", 202)).ReadJson();
        var incident = first.GetProperty("signals")[0].GetProperty("incidentId").GetGuid();
        // A second fingerprint joins the same incident through the plain API.
        await Host.Post("/api/signals", new { source = "dlp", type = "bulk.download", severity = "high", fingerprint = "alertmanager:db-1", title = "again" },
            Api.Ingest, expect: 202);

        var resolved = (await Send("/api/signals/alertmanager", Alertmanager("resolved", ("db-1", "resolved", "critical"), ("never-fired", "resolved", "critical")),
            "application/json", 202)).ReadJson().GetProperty("resolved").EnumerateArray().ToList();

        Assert.Equal(incident, resolved[0].GetProperty("incidentId").GetGuid());
        Assert.Equal(JsonValueKind.Null, resolved[1].GetProperty("incidentId").ValueKind); // no open incident: nothing recorded
        Assert.Single(await Host.Timeline(incident), t => t.Type == "IncidentSignalsAllResolved");

        // It fires again: no longer resolved, and resolving it once more says so once more.
        await Send("/api/signals/alertmanager", Alertmanager("firing", ("db-1", "firing", "critical")), "application/json", 202);
        await Send("/api/signals/alertmanager", Alertmanager("resolved", ("db-1", "resolved", "critical")), "application/json", 202);
        Assert.Equal(2, (await Host.Timeline(incident)).Count(t => t.Type == "IncidentSignalsAllResolved"));
    }

    [Fact]
    public async Task a_wrong_password_or_a_mapping_that_yields_no_severity_is_refused_and_stores_nothing()
    {
        await Send("/api/signals/alertmanager", Alertmanager("firing", ("x", "firing", "critical")), "application/json", 401,
            authorization: Basic(AppFixture.AlertmanagerUser, "wrong"));
        await Send("/api/signals", "{}", "application/json", 401, authorization: Basic(AppFixture.AlertmanagerUser, "wrong"));

        var problem = (await Send("/api/signals/alertmanager", Alertmanager("firing", ("x", "firing", "catastrophic")), "application/json", 400))
            .Read<ProblemView>();
        Assert.Equal(["alerts[0].labels.severity"], problem.Errors!.Keys);
        var noFingerprint = Alertmanager("firing", ("", "firing", "critical"));
        Assert.Contains("alerts[0].fingerprint", (await Send("/api/signals/alertmanager", noFingerprint, "application/json", 400)).Read<ProblemView>().Errors!.Keys);
        Assert.Equal(["version"], (await Send("/api/signals/alertmanager", """{"version":"3","alerts":[{}]}""", "application/json", 400))
            .Read<ProblemView>().Errors!.Keys);
        Assert.Empty(await Host.Incidents());
    }

    // The CloudEvents 1.0 spec's JSON format example, with a severity extension.
    private static string CloudEvent(string id, string? severity = "high", string subject = "hr-activity") => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["specversion"] = "1.0", ["type"] = "com.github.pull_request.opened", ["source"] = "https://github.com/cloudevents/spec/pull",
        ["subject"] = subject, ["id"] = id, ["time"] = "2018-04-05T17:31:00Z", ["comexampleextension1"] = "value",
        ["severity"] = severity, ["datacontenttype"] = "application/json", ["data"] = new { title = "ACL opened to all staff" },
    }.Where(p => p.Value is not null).ToDictionary());

    [Fact]
    public async Task a_cloudevent_opens_an_incident_and_its_retry_stores_nothing_more()
    {
        var first = (await Send("/api/signals/cloudevents", CloudEvent("A234-1234-1234"), "application/cloudevents+json", 202)).ReadJson();
        var retry = (await Send("/api/signals/cloudevents", CloudEvent("A234-1234-1234"), "application/cloudevents+json", 202)).ReadJson();

        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(retry.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.GetProperty("signalId").GetGuid(), retry.GetProperty("signalId").GetGuid());
        var incident = first.GetProperty("incidentId").GetGuid();
        var view = await Host.Incident(incident);
        Assert.Equal(1, view.SignalCount);
        Assert.Equal("ACL opened to all staff", view.Title);
        Assert.Equal("high", view.Severity);
        var received = (await Host.Timeline(incident)).Single(t => t.Type == "SignalReceived");
        Assert.Equal("com.github.pull_request.opened", received.Data.GetProperty("type").GetString());
        Assert.Equal("hr-activity", received.Data.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task a_batch_and_binary_mode_correlate_on_the_subject()
    {
        var batch = $"[{CloudEvent("b-1")},{CloudEvent("b-2", "critical")},{CloudEvent("b-1")}]";
        var answers = (await Send("/api/signals/cloudevents", batch, "application/cloudevents-batch+json", 202)).ReadJson().EnumerateArray().ToList();

        Assert.Equal([false, false, true], answers.Select(a => a.GetProperty("duplicate").GetBoolean()));
        var incident = answers[0].GetProperty("incidentId").GetGuid();
        Assert.All(answers, a => Assert.Equal(incident, a.GetProperty("incidentId").GetGuid()));

        var binary = (await Send("/api/signals/cloudevents", """{"title":"seen by the binary mode"}""", "application/json", 202, headers: new Dictionary<string, string>
        {
            ["ce-specversion"] = "1.0", ["ce-id"] = "bin-1", ["ce-source"] = "/dlp", ["ce-type"] = "dlp.bulk-download", ["ce-subject"] = "hr-activity",
            ["ce-severity"] = "warning",
        })).ReadJson();
        Assert.Equal(incident, binary.GetProperty("incidentId").GetGuid());
        Assert.True(binary.GetProperty("correlated").GetBoolean());
        Assert.Equal(3, (await Host.Incident(incident)).SignalCount);
        var binaryReceived = (await Host.Timeline(incident, Api.Admin)).Last(t => t.Type == "SignalReceived");
        Assert.Equal("medium", binaryReceived.Data.GetProperty("severity").GetString());
        Assert.Equal("seen by the binary mode", binaryReceived.Data.GetProperty("attributes").GetProperty("data").GetProperty("title").GetString());
    }

    [Fact]
    public async Task a_cloudevent_without_what_a_signal_needs_is_refused_naming_the_attribute()
    {
        var noSeverity = (await Send("/api/signals/cloudevents", CloudEvent("c-1", severity: null), "application/cloudevents+json", 400)).Read<ProblemView>();
        Assert.Equal(["severity"], noSeverity.Errors!.Keys);
        var badSeverity = (await Send("/api/signals/cloudevents", CloudEvent("c-2", severity: "whenever"), "application/cloudevents+json", 400)).Read<ProblemView>();
        Assert.Equal(["severity"], badSeverity.Errors!.Keys);
        var noSubject = (await Send("/api/signals/cloudevents", CloudEvent("c-3", subject: ""), "application/cloudevents+json", 400)).Read<ProblemView>();
        Assert.Equal(["subject"], noSubject.Errors!.Keys);
        var inBatch = (await Send("/api/signals/cloudevents", $"[{CloudEvent("c-4")},{{\"specversion\":\"0.3\"}}]", "application/cloudevents-batch+json", 400))
            .Read<ProblemView>();
        Assert.Contains("[1].specversion", inBatch.Errors!.Keys);
        await Send("/api/signals/cloudevents", "{\"specversion\":", "application/cloudevents+json", 400);
        await Send("/api/signals/cloudevents", "plain text", "text/plain", 415);
        Assert.Empty(await Host.Incidents());
    }

    // PagerDuty's Events API v2 trigger example, then the acknowledge and resolve of the same dedup_key.
    private static string PagerDuty(string action, string? dedupKey, string routingKey = "samplekeyhere") => JsonSerializer.Serialize(new
    {
        payload = action == "trigger" ? new
        {
            summary = "Example alert on host1.example.com", timestamp = "2026-11-30T09:12:00.000+0000", severity = "critical", source = "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
            component = "postgres", group = "prod-datapipe", @class = "deploy", custom_details = new { ping_time = "1500ms", load_avg = 0.75 },
        } : null,
        routing_key = routingKey, dedup_key = dedupKey, event_action = action, client = "Sample Monitoring Service", client_url = "https://monitoring.service.com",
    });

    [Fact]
    public async Task a_pagerduty_trigger_opens_an_incident_that_its_acknowledge_and_resolve_are_recorded_on()
    {
        var triggered = (await Send("/api/signals/pagerduty", PagerDuty("trigger", "srv01/HTTP"), "application/json", 202)).ReadJson();
        Assert.Equal("success", triggered.GetProperty("status").GetString());
        Assert.Equal("srv01/HTTP", triggered.GetProperty("dedup_key").GetString());
        var incident = triggered.GetProperty("incident_id").GetGuid();
        Assert.Equal("critical", (await Host.Incident(incident)).Severity);

        var again = (await Send("/api/signals/pagerduty", PagerDuty("trigger", "srv01/HTTP"), "application/json", 202)).ReadJson();
        Assert.Equal(incident, again.GetProperty("incident_id").GetGuid());
        await Send("/api/signals/pagerduty", PagerDuty("acknowledge", "srv01/HTTP"), "application/json", 202);
        await Send("/api/signals/pagerduty", PagerDuty("resolve", "srv01/HTTP"), "application/json", 202);

        var types = (await Host.Timeline(incident)).Select(t => t.Type).ToList();
        Assert.Equal(2, types.Count(t => t == "SignalReceived"));
        Assert.Contains("SignalAcknowledgedAtSource", types);
        Assert.Contains("SignalResolved", types);
        Assert.Contains("IncidentSignalsAllResolved", types);

        var made = (await Send("/api/signals/pagerduty", PagerDuty("trigger", null), "application/json", 202)).ReadJson();
        Assert.Equal(32, made.GetProperty("dedup_key").GetString()!.Length); // made up and returned, as PagerDuty does
    }

    [Fact]
    public async Task a_pagerduty_event_with_a_foreign_routing_key_or_missing_fields_is_refused()
    {
        Assert.Equal(["routing_key"], (await Send("/api/signals/pagerduty", PagerDuty("trigger", "k", routingKey: "someone-elses"), "application/json", 400))
            .Read<ProblemView>().Errors!.Keys);
        Assert.Equal(["dedup_key"], (await Send("/api/signals/pagerduty", PagerDuty("resolve", null), "application/json", 400)).Read<ProblemView>().Errors!.Keys);
        var noPayload = (await Send("/api/signals/pagerduty", """{"routing_key":"samplekeyhere","event_action":"trigger"}""", "application/json", 400))
            .Read<ProblemView>();
        Assert.Contains("payload.severity", noPayload.Errors!.Keys);
        Assert.Empty(await Host.Incidents());
    }
}
