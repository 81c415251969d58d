using System.Security.Claims;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Signals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace IncidentOrchestrator.Integrations;

/// <summary>The body Prometheus Alertmanager posts to a webhook receiver (version 4).</summary>
public sealed record AlertmanagerWebhook(
    string? Version, string? GroupKey, string? Status, string? Receiver, Dictionary<string, string>? GroupLabels,
    Dictionary<string, string>? CommonLabels, Dictionary<string, string>? CommonAnnotations, string? ExternalUrl, List<AlertmanagerAlert>? Alerts,
    int? TruncatedAlerts = null);

public sealed record AlertmanagerAlert(
    string? Status, Dictionary<string, string>? Labels, Dictionary<string, string>? Annotations, DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt, string? GeneratorUrl, string? Fingerprint);

/// <summary>What became of a notification: the signals its firing alerts made, and the resolutions recorded.</summary>
public sealed record AlertmanagerAccepted(IReadOnlyList<SignalAccepted> Signals, IReadOnlyList<SignalStatusRecorded> Resolved);

/// <summary>
/// <c>POST /api/signals/alertmanager</c>: each firing alert becomes a signal (fingerprint, severity and title from its labels
/// and annotations, as configured); each resolved one is recorded on the open incident of its fingerprint.
/// </summary>
public static class AlertmanagerEndpoint
{
    public const string Source = "alertmanager";

    public static ProblemDetails Validate(AlertmanagerWebhook? body, IntegrationOptions options, IntakeOptions intake)
    {
        if (body is null) return Problems.MissingBody();
        var validation = new Problems.Validation()
            .Require(body.Version == "4", "version", $"Only version 4 of the Alertmanager webhook is understood; this is '{body.Version}'.")
            .Require(body.Alerts is { Count: > 0 }, "alerts", "At least one alert is required.")
            .Require((body.Alerts?.Count ?? 0) <= intake.MaxBatchSize, "alerts", $"At most {intake.MaxBatchSize} alerts in one notification.");
        if (validation.HasErrors) return validation.ToProblem("The Alertmanager notification is not valid; nothing was stored");
        for (var i = 0; i < body.Alerts!.Count; i++)
        {
            var alert = body.Alerts[i];
            var at = $"alerts[{i}].";
            validation.Require(alert.Status is "firing" or "resolved", $"{at}status", "firing or resolved.");
            if (Fingerprint(alert, options.Alertmanager) is null)
                validation.Add(options.Alertmanager.FingerprintLabels.Count > 0 ? $"{at}labels" : $"{at}fingerprint",
                    options.Alertmanager.FingerprintLabels.Count > 0
                        ? $"The labels {string.Join(", ", options.Alertmanager.FingerprintLabels)} make the fingerprint; some are missing."
                        : "Required: the alert's fingerprint.");
            if (alert.Status != "firing") continue;
            validation.Require(!string.IsNullOrWhiteSpace(alert.Labels?.GetValueOrDefault("alertname")), $"{at}labels.alertname", "Required.");
            if (Severity(alert, options.Alertmanager) is null)
                validation.Add($"{at}labels.{options.Alertmanager.SeverityLabel}",
                    $"'{alert.Labels?.GetValueOrDefault(options.Alertmanager.SeverityLabel)}' maps to no severity; configure Integrations__Alertmanager__Severities or DefaultSeverity.");
            else if (!validation.HasErrors) SignalRules.Check(ToSignal(body, alert, options.Alertmanager), at, validation);
        }
        return validation.ToProblem("The Alertmanager notification is not valid; nothing was stored");
    }

    [WolverinePost("/api/signals/alertmanager"), Authorize(Roles = Roles.SignalSenders), EnableRateLimiting(RateLimits.Signals)]
    public static async Task<Accepted<AlertmanagerAccepted>> Post(AlertmanagerWebhook body, SignalIntake intake, IntegrationOptions options,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var caller = user.Caller();
        var firing = body.Alerts!.Where(a => a.Status == "firing").Select(a => ToSignal(body, a, options.Alertmanager)).ToList();
        var resolved = body.Alerts!.Where(a => a.Status == "resolved")
            .Select(a => new SignalStatusChange(Fingerprint(a, options.Alertmanager)!, Source, SignalStatuses.Resolved, a.EndsAt)).ToList();
        var signals = firing.Count > 0 ? await intake.IngestAsync(firing, caller, ct) : [];
        var recorded = await intake.RecordStatusAsync(resolved, caller, ct);
        return TypedResults.Accepted((string?)null, new AlertmanagerAccepted(signals, recorded));
    }

    private static SubmitSignal ToSignal(AlertmanagerWebhook body, AlertmanagerAlert alert, AlertmanagerOptions options)
    {
        var labels = alert.Labels ?? [];
        var annotations = alert.Annotations ?? [];
        var name = labels.GetValueOrDefault("alertname") ?? "";
        var title = annotations.GetValueOrDefault("summary") ?? annotations.GetValueOrDefault("description")
            ?? (labels.GetValueOrDefault("instance") is { } instance ? $"{name} on {instance}" : name);
        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["labels"] = JsonSerializer.SerializeToElement(labels),
            ["annotations"] = JsonSerializer.SerializeToElement(annotations),
        };
        if (alert.GeneratorUrl is { } generator) attributes["generatorURL"] = JsonSerializer.SerializeToElement(generator);
        if (body.ExternalUrl is { } external) attributes["externalURL"] = JsonSerializer.SerializeToElement(external);
        if (body.Receiver is { } receiver) attributes["receiver"] = JsonSerializer.SerializeToElement(receiver);
        return new SubmitSignal(Source, name, Severity(alert, options), Fingerprint(alert, options), Clip(title), alert.StartsAt, attributes);
    }

    private static string Clip(string text) => text.Length <= SignalRules.MaxTextLength ? text : text[..(SignalRules.MaxTextLength - 1)] + "…";

    private static Contracts.Severity? Severity(AlertmanagerAlert alert, AlertmanagerOptions options) =>
        SeverityWords.Of(alert.Labels?.GetValueOrDefault(options.SeverityLabel), options.Severities) ?? options.DefaultSeverity;

    private static string? Fingerprint(AlertmanagerAlert alert, AlertmanagerOptions options)
    {
        if (options.FingerprintLabels.Count == 0)
            return string.IsNullOrWhiteSpace(alert.Fingerprint) ? null : $"{Source}:{alert.Fingerprint}";
        var values = options.FingerprintLabels.Select(l => alert.Labels?.GetValueOrDefault(l)).ToList();
        return values.Any(string.IsNullOrEmpty) ? null
            : $"{Source}:" + string.Join(",", options.FingerprintLabels.Zip(values, (label, value) => $"{label}={value}"));
    }
}
