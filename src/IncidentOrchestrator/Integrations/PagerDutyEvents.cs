using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Signals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace IncidentOrchestrator.Integrations;

/// <summary>A PagerDuty Events API v2 event, so tools that can page PagerDuty can open incidents here.</summary>
public sealed record PagerDutyEvent(
    [property: JsonPropertyName("routing_key")] string? RoutingKey,
    [property: JsonPropertyName("event_action")] string? EventAction,
    [property: JsonPropertyName("dedup_key")] string? DedupKey,
    [property: JsonPropertyName("payload")] PagerDutyPayload? Payload,
    [property: JsonPropertyName("client")] string? Client,
    [property: JsonPropertyName("client_url")] string? ClientUrl);

public sealed record PagerDutyPayload(
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("severity")] string? Severity,
    [property: JsonPropertyName("timestamp")] string? Timestamp,
    [property: JsonPropertyName("component")] string? Component,
    [property: JsonPropertyName("group")] string? Group,
    [property: JsonPropertyName("class")] string? Class,
    [property: JsonPropertyName("custom_details")] JsonElement? CustomDetails);

/// <summary>PagerDuty's own answer shape, with what happened here.</summary>
public sealed record PagerDutyAccepted(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("dedup_key")] string DedupKey,
    [property: JsonPropertyName("incident_id")] Guid? IncidentId,
    [property: JsonPropertyName("signal_id")] Guid? SignalId);

/// <summary>
/// <c>POST /api/signals/pagerduty</c>: <c>trigger</c> becomes a signal whose fingerprint is the <c>dedup_key</c> (one is made
/// and returned when the event has none, as PagerDuty does); <c>acknowledge</c> and <c>resolve</c> are recorded on the open
/// incident of that key.
/// </summary>
public static class PagerDutyEventsEndpoint
{
    public const string FingerprintPrefix = "pagerduty:";
    private static readonly string[] Actions = ["trigger", "acknowledge", "resolve"];
    private static readonly string[] Severities = ["critical", "error", "warning", "info"];

    public static ProblemDetails Validate(PagerDutyEvent? e, IntegrationOptions options)
    {
        if (e is null) return Problems.MissingBody();
        var keys = options.PagerDuty.RoutingKeys;
        var validation = new Problems.Validation()
            .Require(!string.IsNullOrWhiteSpace(e.RoutingKey), "routing_key", "Required.")
            .Require(string.IsNullOrWhiteSpace(e.RoutingKey) || keys.Count == 0 || keys.Contains(e.RoutingKey), "routing_key", "Not a routing key of this service.")
            .Require(Actions.Contains(e.EventAction), "event_action", "trigger, acknowledge or resolve.")
            .Require((e.DedupKey?.Length ?? 0) <= 255, "dedup_key", "At most 255 characters.");
        if (e.EventAction == "trigger")
        {
            validation.Require(e.Payload is not null, "payload", "Required for a trigger.");
            validation.Require(!string.IsNullOrWhiteSpace(e.Payload?.Summary), "payload.summary", "Required.")
                .Require((e.Payload?.Summary?.Length ?? 0) <= 1024, "payload.summary", "At most 1024 characters.")
                .Require(!string.IsNullOrWhiteSpace(e.Payload?.Source), "payload.source", "Required.")
                .Require((e.Payload?.Source?.Length ?? 0) <= SignalRules.MaxTextLength, "payload.source", $"At most {SignalRules.MaxTextLength} characters.")
                .Require((e.Payload?.Class?.Length ?? 0) <= SignalRules.MaxTextLength, "payload.class", $"At most {SignalRules.MaxTextLength} characters.")
                .Require(Severities.Contains(e.Payload?.Severity), "payload.severity", "critical, error, warning or info.")
                .Require(e.Payload?.Timestamp is null || Timestamp(e.Payload.Timestamp) is not null, "payload.timestamp", "An ISO 8601 timestamp.");
        }
        else if (e.EventAction is "acknowledge" or "resolve")
            validation.Require(!string.IsNullOrWhiteSpace(e.DedupKey), "dedup_key", $"Required to {e.EventAction}.");
        return validation.ToProblem("The PagerDuty event is not valid; nothing was stored");
    }

    [WolverinePost("/api/signals/pagerduty"), Authorize(Roles = Roles.SignalSenders), EnableRateLimiting(RateLimits.Signals)]
    public static async Task<Accepted<PagerDutyAccepted>> Post(PagerDutyEvent e, SignalIntake intake, ClaimsPrincipal user, CancellationToken ct)
    {
        var dedupKey = string.IsNullOrWhiteSpace(e.DedupKey) ? Guid.NewGuid().ToString("N") : e.DedupKey;
        var fingerprint = FingerprintPrefix + dedupKey;
        if (e.EventAction != "trigger")
        {
            var status = e.EventAction == "resolve" ? SignalStatuses.Resolved : SignalStatuses.Acknowledged;
            var recorded = (await intake.RecordStatusAsync([new SignalStatusChange(fingerprint, "pagerduty", status, null)], user.Caller(), ct))[0];
            return TypedResults.Accepted((string?)null, new PagerDutyAccepted("success",
                recorded.IncidentId is null ? "No open incident has this dedup_key; nothing changed" : "Event processed", dedupKey, recorded.IncidentId, null));
        }

        var payload = e.Payload!;
        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (payload.CustomDetails is { } details) attributes["custom_details"] = details;
        foreach (var (name, value) in new[] { ("component", payload.Component), ("group", payload.Group), ("class", payload.Class),
                     ("client", e.Client), ("client_url", e.ClientUrl) })
            if (value is not null) attributes[name] = JsonSerializer.SerializeToElement(value);
        var summary = payload.Summary!.Length <= SignalRules.MaxTextLength ? payload.Summary : payload.Summary[..(SignalRules.MaxTextLength - 1)] + "…";
        var signal = new SubmitSignal(payload.Source, payload.Class ?? "pagerduty.event", SeverityWords.Of(payload.Severity), fingerprint, summary,
            Timestamp(payload.Timestamp), attributes);
        var accepted = (await intake.IngestAsync([signal], user.Caller(), ct))[0];
        return TypedResults.Accepted($"/api/incidents/{accepted.IncidentId}",
            new PagerDutyAccepted("success", "Event processed", dedupKey, accepted.IncidentId, accepted.SignalId));
    }

    /// <summary>ISO 8601, including the offset without a colon that PagerDuty's own examples use (+0000).</summary>
    private static DateTimeOffset? Timestamp(string? text)
    {
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)) return at;
        return text.Length > 5 && text[^5] is '+' or '-' && DateTimeOffset.TryParse(text[..^2] + ":" + text[^2..],
            System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out at) ? at : null;
    }
}
