using System.Text.Json;
using IncidentOrchestrator.Integrations;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>A button pressed in Slack, as Slack sends it: a block_actions payload in a form, signed over its timestamp and body.</summary>
public static class SlackPress
{
    public const string Path = "/api/integrations/slack/actions";

    public static string Body(string user, string actionId, string value) => "payload=" + Uri.EscapeDataString(JsonSerializer.Serialize(new
    {
        type = "block_actions", user = new { id = user, username = user.ToLowerInvariant(), team_id = "T0TEAM" }, api_app_id = "A0APP",
        token = "deprecated-verification-token", trigger_id = "12345.98765.abcd2358fdea",
        actions = new[] { new { action_id = actionId, block_id = "incident-orchestrator", value, type = "button", action_ts = "1548426417.840180" } },
        response_url = "https://hooks.slack.com/actions/T0TEAM/123/abc",
    }));

    /// <summary>The headers Slack signs a body with.</summary>
    public static (string Timestamp, string Signature) Signed(string secret, string body, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString();
        return (timestamp, SlackActionsEndpoint.Sign(secret, timestamp, body));
    }
}
