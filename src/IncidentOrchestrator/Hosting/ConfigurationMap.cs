using IncidentOrchestrator.Actions.Programmes;
using IncidentOrchestrator.Actions.Webhooks;
using IncidentOrchestrator.Detection;
using IncidentOrchestrator.Incidents.Commanders;
using IncidentOrchestrator.Notifications;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;

namespace IncidentOrchestrator.Hosting;

/// <summary>
/// Every configuration section the service binds, and the type it binds it to: environment variables name them with
/// <c>__</c> between levels (<c>Cluster__StaleNodeSeconds</c>). A test holds the deployment files to this map, and the
/// code's sections to it.
/// </summary>
public static class ConfigurationMap
{
    public static readonly IReadOnlyDictionary<string, Type> Sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["Auth"] = typeof(AuthOptions),
        ["Catalogue"] = typeof(Catalogue.CatalogueOptions),
        ["Cluster"] = typeof(ClusterOptions),
        ["Detection"] = typeof(DetectionOptions),
        ["Escalation"] = typeof(EscalationPolicies),
        ["FollowUps"] = typeof(FollowUps.FollowUpOptions),
        ["Incidents"] = typeof(IncidentOptions),
        ["Intake"] = typeof(IntakeLimits),
        ["Integrations"] = typeof(Integrations.IntegrationOptions),
        ["Notifications"] = typeof(NotificationOptions),
        ["OnCall"] = typeof(Rotations),
        ["Playbooks"] = typeof(PlaybookOptions),
        ["Programmes"] = typeof(ProgrammeOptions),
        ["RateLimits"] = typeof(RateLimitSettings),
        ["Trackers"] = typeof(FollowUps.Trackers.Trackers),
        ["Webhooks"] = typeof(WebhookOptions),
        // Named connection strings: the incident store, and the databases actions act on.
        ["ConnectionStrings"] = typeof(Dictionary<string, string>),
        ["Connections"] = typeof(Dictionary<string, string>),
        // The host's own: logging levels, and the URLs to listen on.
        ["Logging"] = typeof(Dictionary<string, object>),
        ["Urls"] = typeof(string),
    };

    /// <summary>Variables read by the platform rather than by a section (ASP.NET Core, .NET, OpenTelemetry).</summary>
    public static readonly string[] PlatformPrefixes = ["ASPNETCORE_", "DOTNET_", "OTEL_"];

    /// <summary>The shape of <c>Intake</c>: the signal intake's options and the request body limit read beside them.</summary>
    public sealed class IntakeLimits
    {
        public int MaxBatchSize { get; set; }
        public long MaxRequestBodyBytes { get; set; }
    }

    /// <summary>The shape of <c>RateLimits</c>.</summary>
    public sealed class RateLimitSettings
    {
        public RateLimit Signals { get; set; } = new();
        public RateLimit Api { get; set; } = new();
    }
}
