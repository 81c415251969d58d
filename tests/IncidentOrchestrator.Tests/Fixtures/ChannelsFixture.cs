using System.Collections.Concurrent;
using Alba;
using netDumbster.smtp;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// A host whose notifications go to every kind of channel — local stand-ins for Slack, Teams, PagerDuty and a webhook, and
/// a real SMTP server — and whose Slack buttons come back signed with a known secret.
/// </summary>
public sealed class ChannelsFixture : IAsyncLifetime
{
    public const string ConsoleUrl = "https://incidents.example.test";
    public const string SlackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    public const string RoutingKey = "R0UT1NGKEY0000000000000000000000";
    public const string MailTo = "security-oncall@example.test";

    public IAlbaHost Host { get; private set; } = null!;
    public WebhookReceiver Receiver { get; private set; } = null!;
    private SimpleSmtpServer _smtp = null!;
    private readonly ConcurrentQueue<SmtpMessage> _mail = new();

    /// <summary>
    /// The mail received so far, oldest first. Kept from the server's event, raised before it acknowledges a message:
    /// netDumbster's own <c>ReceivedEmail</c> copies its store by counting first and enumerating after, so a message that
    /// arrives in between makes the copy throw.
    /// </summary>
    public IReadOnlyList<SmtpMessage> Mail => _mail.ToArray();
    private string Playbooks { get; } = Directory.CreateTempSubdirectory("channel-playbooks-").FullName;

    public async Task InitializeAsync()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Integrations", "Playbooks"), "*.yaml"))
            File.Copy(file, Path.Combine(Playbooks, Path.GetFileName(file)));
        Receiver = await WebhookReceiver.StartAsync();
        var port = LocalPostgresCluster.FreePort();
        _smtp = SimpleSmtpServer.Start(port); // with its message store: without it, the server raises no event either
        _smtp.MessageReceived += (_, received) => _mail.Enqueue(received.Message); // on the server's session thread, inside its lock: nothing here may throw
        var channels = $"{Receiver.Base}/channels";
        Host = await AppFixture.StartHostAsync(await TestDatabase.CreateDatabaseAsync("channels"), Playbooks, settings: new Dictionary<string, string>
        {
            ["Notifications:ConsoleUrl"] = ConsoleUrl,
            ["Notifications:Channels:slack:Kind"] = "slack",
            ["Notifications:Channels:slack:Url"] = $"{channels}/slack",
            ["Notifications:Channels:slack-titles:Kind"] = "slack",
            ["Notifications:Channels:slack-titles:Url"] = $"{channels}/slack-titles",
            ["Notifications:Channels:slack-titles:RestrictedTitles"] = "true",
            ["Notifications:Channels:slack-titles:Notifications:0"] = "task",
            ["Notifications:Channels:teams:Kind"] = "teams",
            ["Notifications:Channels:teams:Url"] = $"{channels}/teams",
            ["Notifications:Channels:teams:MinSeverity"] = "high",
            ["Notifications:Channels:pager:Kind"] = "pagerduty",
            ["Notifications:Channels:pager:Url"] = $"{channels}/pagerduty",
            ["Notifications:Channels:pager:RoutingKey"] = RoutingKey,
            ["Notifications:Channels:pager:Notifications:0"] = "task",
            ["Notifications:Channels:pager:Notifications:1"] = "escalation",
            ["Notifications:Channels:pager:Notifications:2"] = "approval",
            ["Notifications:Channels:hook:Kind"] = "webhook",
            ["Notifications:Channels:hook:Url"] = $"{channels}/webhook",
            ["Notifications:Channels:hook:Secret"] = WebhookReceiver.Secret,
            ["Notifications:Channels:mail:Kind"] = "email",
            ["Notifications:Channels:mail:To:0"] = MailTo,
            ["Notifications:Channels:mail:Notifications:0"] = "task",
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = port.ToString(),
            ["Notifications:Smtp:Security"] = "none",
            ["Notifications:Smtp:From"] = "incidents@example.test",
            ["Integrations:Slack:SigningSecret"] = SlackSecret,
            ["Integrations:Slack:Users:U0RUI:Subject"] = "rui.responder",
            ["Integrations:Slack:Users:U0RUI:Roles:0"] = "responder",
            ["Integrations:Slack:Users:U0SAM:Subject"] = "sam.responder",
            ["Integrations:Slack:Users:U0SAM:Roles:0"] = "responder",
            ["Integrations:Slack:Users:U0LENA:Subject"] = "lena.leadership",
            ["Integrations:Slack:Users:U0LENA:Roles:0"] = "leadership",
            ["Integrations:Slack:Users:U0CORA:Subject"] = "cora.commander",
            ["Integrations:Slack:Users:U0CORA:Roles:0"] = "commander",
            // rui again, whose role comes from a group at the identity provider, as at sign-in; and a system that only ingests.
            ["Integrations:Slack:Users:U0RUIG:Subject"] = "rui.responder",
            ["Integrations:Slack:Users:U0RUIG:Groups:0"] = "ir-responders",
            ["Auth:Oidc:GroupRoles:ir-responders"] = "responder",
            ["Integrations:Slack:Users:U0BOT:Subject"] = "scan.bot",
            ["Integrations:Slack:Users:U0BOT:Roles:0"] = "ingest",
            ["RateLimits:Api:PermitLimit"] = "1000000",
        });
    }

    /// <summary>The responder every task of the channel playbook is for.</summary>
    public static readonly string Rui = Tokens.For("rui.responder", "responder");

    /// <summary>Declares an incident titled <paramref name="title"/>, runs the channel playbook on it and waits for rui's task.</summary>
    public async Task<(Guid Incident, Guid Task)> TaskOnAsync(string title, string key, string severity = "high", bool restricted = false)
    {
        var incident = await Host.DeclareIncident(title, severity, restricted);
        if (restricted) await Host.Post($"/api/incidents/{incident}/participants", new { subject = "rui.responder" }, expect: 204);
        await Host.StartRun(incident, "test-channel-work", new { key });
        var tasks = await RunScenarios.Eventually(async () => (await Host.Get($"/api/tasks?mine=true&incident={incident}", Rui)).ReadJson(),
            t => t.GetArrayLength() > 0);
        return (incident, tasks[0].GetProperty("taskId").GetGuid());
    }

    public async Task DisposeAsync()
    {
        var differences = await RecordedRunsReplay.OrWhyNotAsync(() => RecordedRunsReplay.DifferencesAsync(Host.Services));
        await Host.StopAsync();
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
        _smtp.Stop();
        Directory.Delete(Playbooks, recursive: true);
        RecordedRunsReplay.ThrowIfAny(differences);
    }
}

[CollectionDefinition(Name)]
public sealed class ChannelsCollection : ICollectionFixture<ChannelsFixture>
{
    public const string Name = "channels";
}
