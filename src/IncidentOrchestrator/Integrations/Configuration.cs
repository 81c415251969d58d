using Marten;

namespace IncidentOrchestrator.Integrations;

public static class Configuration
{
    public static IServiceCollection AddIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Integrations").Get<IntegrationOptions>() ?? new IntegrationOptions();
        if (SlackUserProblems(options.Slack, Security.AuthOptions.From(configuration).Oidc) is { Count: > 0 } problems) throw new InvalidOperationException(string.Join("; ", problems));
        services.AddSingleton(options);
        return services;
    }

    /// <summary>
    /// Slack users who could never press a button: a role the service does not know, a group nothing maps to a role, or
    /// neither. The service refuses to start with them rather than refuse each press.
    /// </summary>
    public static IReadOnlyList<string> SlackUserProblems(SlackOptions slack, Security.OidcOptions oidc) =>
    [
        .. slack.Users.SelectMany(u => u.Value.Roles.Where(r => !Roles.IsKnown(r))
            .Select(r => $"Integrations__Slack__Users__{u.Key}__Roles: '{r}' is not a role ({string.Join(", ", Roles.All)})")),
        .. slack.Users.SelectMany(u => u.Value.Groups.Where(g => !oidc.GroupRoles.ContainsKey(g))
            .Select(g => $"Integrations__Slack__Users__{u.Key}__Groups: no Auth__Oidc__GroupRoles__{g} gives the group '{g}' a role")),
        .. slack.Users.Where(u => u.Value.Roles.Count == 0 && u.Value.Groups.Count == 0)
            .Select(u => $"Integrations__Slack__Users__{u.Key}: give it __Roles__0 or __Groups__0, or it can press nothing"),
    ];

    public static StoreOptions ConfigureIntegrations(this StoreOptions opts)
    {
        opts.Schema.For<Signals.SignalReceipt>();
        opts.Schema.For<IntegrationRefusal>().Index(x => x.At);
        opts.Schema.For<SlackRequestSeen>().Index(x => x.At);
        return opts;
    }
}
