using IncidentOrchestrator.Incidents;

namespace IncidentOrchestrator.Integrations;

/// <summary>Configuration <c>Integrations__*</c>: how alerts from other tools become signals, and how chat answers back.</summary>
public sealed class IntegrationOptions
{
    public AlertmanagerOptions Alertmanager { get; set; } = new();
    public CloudEventsOptions CloudEvents { get; set; } = new();
    public PagerDutyIntakeOptions PagerDuty { get; set; } = new();
    public SlackOptions Slack { get; set; } = new();
}

/// <summary><c>Integrations__Slack__*</c>: the app's signing secret, and who each Slack user is here.</summary>
public sealed class SlackOptions
{
    public string? SigningSecret { get; set; }

    /// <summary>Slack user id (U…) → the subject they act as, with their roles and groups; a user not listed is refused.</summary>
    public Dictionary<string, SlackUser> Users { get; set; } = new(StringComparer.Ordinal);
}

public sealed class SlackUser
{
    public string Subject { get; set; } = "";
    public string? Name { get; set; }
    public List<string> Roles { get; set; } = [];

    /// <summary>Groups at the identity provider: they give roles as they do at sign-in (<c>Auth__Oidc__GroupRoles__*</c>).</summary>
    public List<string> Groups { get; set; } = [];
}

/// <summary><c>Integrations__Alertmanager__*</c>.</summary>
public sealed class AlertmanagerOptions
{
    /// <summary>Basic auth for Alertmanager's <c>http_config</c> (a bearer token with the ingest role works too).</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>The label whose value gives the severity, through <see cref="Severities"/>.</summary>
    public string SeverityLabel { get; set; } = "severity";

    /// <summary>Label value → severity. Values not listed (and alerts without the label) take <see cref="DefaultSeverity"/>.</summary>
    public Dictionary<string, Severity> Severities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Severity? DefaultSeverity { get; set; }

    /// <summary>Labels whose values make the fingerprint, e.g. alertname and instance; empty: Alertmanager's own fingerprint.</summary>
    public List<string> FingerprintLabels { get; set; } = [];
}

/// <summary><c>Integrations__CloudEvents__*</c>.</summary>
public sealed class CloudEventsOptions
{
    /// <summary>The severity of an event that carries none (no <c>severity</c> extension, no <c>data.severity</c>).</summary>
    public Severity? DefaultSeverity { get; set; }
}

/// <summary><c>Integrations__PagerDuty__*</c> for the Events API v2 intake.</summary>
public sealed class PagerDutyIntakeOptions
{
    /// <summary>Routing keys taken; empty takes any (the caller is authenticated all the same).</summary>
    public List<string> RoutingKeys { get; set; } = [];
}

/// <summary>The words monitoring tools use for severity, as ours.</summary>
public static class SeverityWords
{
    public static readonly IReadOnlyDictionary<string, Severity> Common = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase)
    {
        ["critical"] = Severity.Critical, ["fatal"] = Severity.Critical, ["emergency"] = Severity.Critical, ["page"] = Severity.Critical,
        ["high"] = Severity.High, ["error"] = Severity.High, ["major"] = Severity.High,
        ["medium"] = Severity.Medium, ["warning"] = Severity.Medium, ["warn"] = Severity.Medium, ["minor"] = Severity.Medium,
        ["low"] = Severity.Low, ["info"] = Severity.Low, ["informational"] = Severity.Low, ["none"] = Severity.Low,
    };

    public static Severity? Of(string? word, IReadOnlyDictionary<string, Severity>? configured = null) =>
        word is null ? null
        : configured is not null && configured.TryGetValue(word, out var mine) ? mine
        : Common.TryGetValue(word, out var common) ? common
        : null;
}
