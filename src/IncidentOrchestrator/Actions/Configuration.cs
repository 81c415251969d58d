using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Actions.IncidentUpdates;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Actions.Programmes;
using IncidentOrchestrator.Actions.Webhooks;
using IncidentOrchestrator.Playbooks.Actions;
using Marten;

namespace IncidentOrchestrator.Actions;

public static class Configuration
{
    public static IServiceCollection AddActions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Webhooks").Get<WebhookOptions>() ?? new WebhookOptions());
        // Webhooks go only to configured URLs, and are never redirected elsewhere.
        services.AddHttpClient(nameof(PostWebhook)).ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        services.AddSingleton<IAction, PostWebhook>();
        services.AddSingleton<IAction, SetSeverity>();
        services.AddSingleton<IAction, AddNote>();
        services.AddSingleton<IAction, Notify>();
        services.AddSingleton<IAction, FollowUps.CreateFollowUpAction>();
        services.AddSingleton<IAction, FollowUps.AwaitFollowUpsDone>();
        services.AddSingleton<NamedConnections>();
        services.AddSingleton<IAction, Revoke>();
        services.AddSingleton<IAction, Grant>();
        services.AddSingleton<IAction, Access.GrantRequestedAccess>();
        services.AddSingleton<IAction, Access.Reviews.ReviewAccess>();
        services.AddSingleton<IAction, Catalogue.RecordWhoCouldRead>();
        services.AddSingleton<IAction, Access.RevokeRequestedAccess>();
        services.AddSingleton<IAction, VerifyNoAccess>();
        services.AddSingleton<IAction, DisableLogin>();
        services.AddSingleton<IAction, EnableLogin>();
        services.AddSingleton<IAction, SnapshotEvidence>();
        services.AddSingleton(configuration.GetSection("Programmes").Get<ProgrammeOptions>() ?? new ProgrammeOptions());
        Hosting.StartupWarnings.Add<Programmes.ProgrammeDatasets>(services);
        services.AddSingleton<IAction, SuspendProgramme>();
        services.AddSingleton<IAction, ResumeProgramme>();
        services.AddSingleton<ActionRegistry>();
        services.AddSingleton<IActionCatalog>(sp => sp.GetRequiredService<ActionRegistry>());
        return services;
    }

    public static StoreOptions ConfigureActions(this StoreOptions opts)
    {
        opts.Schema.For<ActionExecution>().Index(x => x.RunId);
        opts.Schema.For<EvidenceItem>().Index(x => x.IncidentId);
        opts.Projections.Snapshot<Programme>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
        return opts;
    }
}
