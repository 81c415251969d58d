namespace IncidentOrchestrator.Actions.Webhooks;

/// <summary>Configuration section <c>Webhooks</c>: endpoints by name; a playbook names one and never holds a URL.</summary>
public sealed class WebhookOptions
{
    public Dictionary<string, WebhookEndpoint> Endpoints { get; set; } = new(StringComparer.Ordinal);
}

public sealed class WebhookEndpoint
{
    public string Url { get; set; } = "";

    /// <summary>The shared secret of the HMAC-SHA256 signature.</summary>
    public string Secret { get; set; } = "";

    public int TimeoutSeconds { get; set; } = 10;
}
