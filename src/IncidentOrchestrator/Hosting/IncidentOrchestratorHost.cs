using IncidentOrchestrator.FollowUps;
using IncidentOrchestrator.Access;
using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Integrations;
using IncidentOrchestrator.Notifications;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Tasks;
using IncidentOrchestrator.Detection;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Security.TamperEvidence;
using IncidentOrchestrator.Signals;
using IncidentOrchestrator.Telemetry;
using IncidentOrchestrator.Timeline;
using IncidentOrchestrator.Web;
using JasperFx.CodeGeneration;
using JasperFx.Events;
using JasperFx.OpenTelemetry;
using Marten;
using Npgsql;
using Weasel.Core;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Http;
using Wolverine.Marten;

namespace IncidentOrchestrator.Hosting;

/// <summary>Composition of the service: every slice registers itself here, in one readable place.</summary>
public static class IncidentOrchestratorHost
{
    public const string SchemaName = "incidents";

    public static WebApplicationBuilder AddIncidentOrchestrator(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var generatingCode = GeneratingCode.IsRunning();
        var cluster = ClusterOptions.From(configuration);
        builder.Services.AddSingleton(cluster);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(cluster.ShutdownGraceSeconds));
        builder.Host.UseSystemd(); // under systemd (Type=notify): says when it is ready and stopping; elsewhere it does nothing

        builder.Services.AddIncidentErrorHandling(configuration);
        builder.Services.AddIncidentJson();
        builder.Services.AddIncidentSecurity(configuration, builder.Environment);
        builder.Services.AddIncidentRateLimits(configuration);
        builder.Services.AddIncidentTelemetry(configuration);
        builder.Services.AddIncidentOpenApi();
        builder.Services.AddIncidentHealthChecks();
        builder.Services.AddSignalIntake(configuration);
        builder.Services.AddIntegrations(configuration);
        builder.Services.AddPlaybooks(configuration);
        builder.Services.AddCatalogue(configuration);
        builder.Services.AddAccess(configuration);
        builder.Services.AddActions(configuration);
        builder.Services.AddRuns();
        builder.Services.AddDetection(configuration);
        builder.Services.AddTasks(configuration);
        builder.Services.AddIncidents(configuration);
        builder.Services.AddFollowUps(configuration);
        builder.Services.AddTimeline();
        builder.Services.AddWebConsole();
        // The console's files come from the build's wwwroot when the service runs from bin/ (tests, development); a published
        // service has them in its own wwwroot and no manifest, and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddNotifications(configuration);

        var connectionString = generatingCode
            ? "Host=localhost;Database=codegen" // codegen write never connects
            : configuration.GetConnectionString("Incidents") ?? throw new InvalidOperationException(
                "No database configured: set ConnectionStrings__Incidents (ops/run does this for you).");

        var marten = builder.Services.AddMarten(opts =>
            {
                // Pooled connections keep their prepared plans (the hash chain's trigger among them) instead of
                // being reset with DISCARD ALL on every return to the pool; no session state is ever left on them.
                // Keepalives notice a restarted database, so pooled connections are replaced rather than failing one by one.
                opts.Connection(Cluster.Resilient(connectionString));
                opts.DatabaseSchemaName = SchemaName;
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);

                // Rich appends assign real stream versions (the timeline's
                // sequence) and make concurrent appends to one stream fail instead of interleave.
                opts.Events.AppendMode = EventAppendMode.Rich;
                opts.Events.UseMandatoryStreamTypeDeclaration = true;
                opts.OpenTelemetry.TrackConnections = TrackLevel.Normal;
                opts.OpenTelemetry.TrackEventCounters();

                opts.ConfigureIncidents();
                opts.ConfigureFollowUps();
                opts.ConfigureSignals();
                opts.ConfigureIntegrations();
                opts.ConfigureCatalogue();
                opts.ConfigureRuns();
                opts.ConfigureActions();
                opts.ConfigureTasks();
                opts.ConfigureApprovals();
                opts.ConfigureAccess();
            })
            .UseLightweightSessions()
            .IntegrateWithWolverine();
        builder.Services.ConfigureMarten((services, opts) =>
            opts.Logger(new ConflictTolerantMartenLogger(services.GetRequiredService<ILogger<IDocumentStore>>())));
        if (!generatingCode)
        {
            if (cluster.ApplySchemaOnStart) marten.ApplyAllDatabaseChangesOnStartup();
            builder.Services.AddHealthChecks().AddCheck<ClusterMembership>("cluster", tags: ["ready"]);
            builder.Services.AddSingleton<Backlog>();
            builder.Services.AddHostedService(services => services.GetRequiredService<Backlog>());
            builder.Services.AddHostedService<EventChainInstaller>(); // after Marten's schema, before Wolverine handles anything
            builder.Services.AddSingleton<WarmUp>();
            builder.Services.AddHostedService(services => services.GetRequiredService<WarmUp>()); // after the chain is installed
            builder.Services.AddHealthChecks().AddCheck<WarmUp.Check>("warm-up", tags: ["ready"]);
        }

        builder.Host.UseWolverine(opts =>
        {
            // Each handler of a message (the tasks and the approvals both close a run's work) in its own chain and
            // transaction: Wolverine 7's only mode, and the one whose failures stay apart.
            opts.MultipleHandlerBehavior = MultipleHandlerBehavior.Separated;
            opts.Policies.AutoApplyTransactions();
            opts.Policies.UseDurableLocalQueues();
            opts.ConfigureRuns();
            opts.ConfigureNotifications();
            opts.ConfigureCluster(cluster);
            if (!cluster.ApplySchemaOnStart) opts.AutoBuildMessageStorageOnStartup = JasperFx.AutoCreate.None;

            // Handler code is generated at build time (`codegen write`); only Development compiles at run time.
            opts.CodeGeneration.TypeLoadMode = builder.Environment.IsDevelopment() && !generatingCode
                ? TypeLoadMode.Dynamic
                : TypeLoadMode.Static;
        });
        builder.Services.AddWolverineHttp();
        return builder;
    }

    public static WebApplication UseIncidentOrchestrator(this WebApplication app)
    {
        app.UseIncidentErrorHandling();
        app.UseWebConsole();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<IncomingText>();

        app.MapOpenApi();
        app.MapIncidentHealthChecks();
        app.MapWolverineEndpoints(opts =>
        {
            opts.RequireAuthorizeOnAll();
            opts.RejectUnparseableQueryValues = true; // '?limit=abc' is a 400 problem, not a silent default
            opts.AddPolicy<NeedToKnowPolicy>();
        });
        app.MapNotificationStream();
        app.MapWebConsole();
        _ = app.Services.GetRequiredService<PlaybookCatalog>(); // load (and log) the playbooks at start, not at the first request
        var cluster = app.Services.GetRequiredService<ClusterOptions>();
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("Node {Node} is up on {Urls}", cluster.Node, string.Join(", ", app.Urls)));
        app.Lifetime.ApplicationStopping.Register(() => app.Logger.LogInformation(
            "Node {Node} is stopping: no new work; in-flight work finishes or goes back to the others within {Grace} s", cluster.Node, cluster.ShutdownGraceSeconds));
        return app;
    }
}
