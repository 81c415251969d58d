using Alba;
using IncidentOrchestrator.Actions;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>A host for run scenarios: the shipped playbooks plus the test playbooks, and the test actions.</summary>
public sealed class RunsFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    /// <summary>A real "warehouse" database the containment actions act on (Connections__warehouse).</summary>
    public Warehouse Warehouse { get; private set; } = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    /// <summary>GitHub's and Jira's stand-ins, configured as the trackers <c>github</c> and <c>jira</c>.</summary>
    public TrackerStandIns Trackers { get; private set; } = null!;

    /// <summary>The service account of the registered programme "activity-insights" (roles are cluster-wide, so it is unique).</summary>
    public string PipelineRole { get; } = $"training_pipeline_{Guid.NewGuid():N}"[..30];

    /// <summary>The scenario's own programme, dataset and access policy, apart from the other run scenarios.</summary>
    public string ScenarioPipelineRole { get; } = $"scenario_pipeline_{Guid.NewGuid():N}"[..30];

    /// <summary>The commander on call in the commander rotation.</summary>
    public const string OnCallCommander = "ivy.commander";

    public string ReviewPipelineRole { get; } = $"review_pipeline_{Guid.NewGuid():N}"[..30];

    /// <summary>The service account of the programme access-study, whose purpose train-ai:access-study the catalogue's hr.access_study
    /// serves: a programme of its own, for the scenarios that suspend it with access requests granted for it.</summary>
    public string AccessStudyRole { get; } = $"access_study_{Guid.NewGuid():N}"[..30];

    public const string SlackSecret = "the-slack-signing-secret-the-authorization-matrix-signs-with";

    public string AccessPolicy => Path.Combine(Playbooks, "..", Path.GetFileName(Playbooks) + "-access-policy.yaml");
    public string Playbooks { get; } = Directory.CreateTempSubdirectory("run-playbooks-").FullName;

    /// <summary>A copy of the repository's dataset catalogue, which tests may edit.</summary>
    public string Catalogue { get; } = Directory.CreateTempSubdirectory("run-catalogue-").FullName;

    public async Task InitializeAsync()
    {
        foreach (var file in Directory.GetFiles(AppFixture.RepositoryPlaybooks, "*.yaml")
                     .Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Runs", "Playbooks"), "*.yaml")))
            File.Copy(file, Path.Combine(Playbooks, Path.GetFileName(file)));
        foreach (var file in Directory.GetFiles(Path.Combine(Path.GetDirectoryName(AppFixture.RepositoryPlaybooks)!, "catalogue"), "*.yaml"))
            File.Copy(file, Path.Combine(Catalogue, Path.GetFileName(file)));
        await File.WriteAllTextAsync(Path.Combine(Catalogue, "hr.access_study.yaml"), """
            apiVersion: incidents/v1
            kind: Dataset
            name: hr.access_study
            title: A copy of employee activity for the access-study programme
            connection: warehouse
            object: hr.access_study
            classification: confidential
            subjects: [employee]
            owner: user:hana.hr-data
            purposes: [train-ai:access-study, analytics]
            standing: []
            maxGrant: 7d
            approvers:
              from: [user:hana.hr-data, role:privacy]
              quorum: 2
            review: 90d
            """);
        // The founding case's table in the end-to-end scenario, catalogued so that its exposure playbook can say who could read it.
        await File.WriteAllTextAsync(Path.Combine(Catalogue, "hr.scenario_activity.yaml"), $"""
            apiVersion: incidents/v1
            kind: Dataset
            name: hr.scenario_activity
            title: Employee activity of the end-to-end scenario
            connection: warehouse
            object: hr.scenario_activity
            classification: restricted
            subjects: [employee]
            owner: user:hana.hr-data
            stewards: [role:privacy]
            purposes: [train-ai:scenario-insights]
            standing: [{ScenarioPipelineRole}]
            maxGrant: 7d
            approvers:
              from: [user:hana.hr-data, role:privacy]
              quorum: 2
            review: 90d
            """);
        ConnectionString = await TestDatabase.CreateDatabaseAsync("runs");
        Warehouse = await Warehouse.CreateAsync();
        Receiver = await WebhookReceiver.StartAsync();
        Trackers = await TrackerStandIns.StartAsync();
        await Warehouse.ExecuteAsync($"create role {PipelineRole} login password 'pipeline-secret'; grant select on hr.employee_activity to {PipelineRole}");
        await Warehouse.ExecuteAsync($"""
            create table hr.scenario_activity as select * from hr.employee_activity;
            create schema audit;
            create table audit.access_log (object_name text, role_name text, read_at timestamptz, rows_read int);
            insert into audit.access_log select 'hr.scenario_activity', 'engineer_' || g, now() - (g || ' hours')::interval, g * 10 from generate_series(1, 12) g;
            create role {ScenarioPipelineRole} login password 'pipeline-secret';
            create role {ReviewPipelineRole} login password 'pipeline-secret';
            create table hr.access_study as select * from hr.employee_activity limit 5;
            create role {AccessStudyRole} login password 'pipeline-secret';
            grant select on hr.scenario_activity to {ScenarioPipelineRole};
            """);
        await File.WriteAllTextAsync(AccessPolicy, $"""
            connections:
              warehouse:
                hr.scenario_activity:
                  allowed: [{ScenarioPipelineRole}]
                  programme: scenario-insights
            """);
        Host = await StartAsync();
    }

    /// <summary>
    /// A table of its own (<c>hr.review_KEY</c>, read by the standing role <c>std_KEY</c>), catalogued with <paramref name="classification"/>,
    /// owned by user:hana.hr-data with role:privacy its steward, and the catalogue reloaded; <see cref="Uncatalogue"/> takes it out again.
    /// </summary>
    public async Task<(string Dataset, string Standing)> CatalogueTableAsync(string key, string classification = "restricted", string review = "90d",
        string owner = "user:hana.hr-data")
    {
        var (dataset, standing) = ($"hr.review_{key}", $"std_{key}");
        await Warehouse.ExecuteAsync($"create table {dataset} as select * from hr.employee_activity limit 3; create role {standing} nologin; grant select on {dataset} to {standing}");
        await File.WriteAllTextAsync(Path.Combine(Catalogue, $"{dataset}.yaml"), $"""
            apiVersion: incidents/v1
            kind: Dataset
            name: {dataset}
            title: A table whose access is reviewed
            connection: warehouse
            object: {dataset}
            classification: {classification}
            subjects: [employee]
            owner: {owner}
            stewards: [role:privacy]
            purposes: [analytics]
            standing: [{standing}]
            maxGrant: 7d
            approvers:
              from: [user:hana.hr-data, role:privacy]
              quorum: 2
            review: {review}
            """);
        await Host.Send(HttpMethod.Post, "/api/datasets/reload", Api.Admin, expect: 200);
        // Its version is kept in the background: what "who could read at T" reads the standing roles from. Until it is kept,
        // the list shows the loaded version without a time.
        await RunScenarios.Eventually(async () => (await Host.Get($"/api/datasets/{dataset}/versions", Api.Admin)).ReadJson(),
            v => v.GetArrayLength() == 1 && v[0].TryGetProperty("firstLoadedAt", out var at) && at.ValueKind == System.Text.Json.JsonValueKind.String);
        return (dataset, standing);
    }

    public async Task Uncatalogue(string dataset)
    {
        var file = Path.Combine(Catalogue, $"{dataset}.yaml");
        if (!File.Exists(file)) return;
        File.Delete(file);
        await Host.Send(HttpMethod.Post, "/api/datasets/reload", Api.Admin, expect: 200);
    }

    /// <summary>Stops the service as a crash would leave it (nothing more is processed) and starts a new one on the same database.</summary>
    public async Task<IAlbaHost> RestartAsync()
    {
        await Host.StopAsync();
        await Host.DisposeAsync();
        return Host = await StartAsync();
    }

    public Task<IAlbaHost> StartAsync() => AppFixture.StartHostAsync(ConnectionString, Playbooks, services =>
    {
        foreach (var action in TestActions.All) services.AddSingleton(action);
    }, new Dictionary<string, string>
    {
        ["Connections:warehouse"] = Warehouse.ConnectionString,
        ["Catalogue:Path"] = Catalogue,
        ["Webhooks:Endpoints:test-receiver:Url"] = Receiver.Url,
        ["Trackers:github:Kind"] = "github", ["Trackers:github:Url"] = $"{Trackers.Url}/github", ["Trackers:github:Repository"] = TrackerStandIns.Repository,
        ["Trackers:github:Token"] = TrackerStandIns.GitHubToken, ["Trackers:github:WebhookSecret"] = TrackerStandIns.GitHubSecret,
        ["Trackers:jira:Kind"] = "jira", ["Trackers:jira:Url"] = $"{Trackers.Url}/jira", ["Trackers:jira:Project"] = TrackerStandIns.Project,
        ["Trackers:jira:User"] = TrackerStandIns.JiraUser, ["Trackers:jira:Token"] = TrackerStandIns.JiraToken,
        ["Trackers:jira:WebhookSecret"] = TrackerStandIns.JiraSecret, ["Trackers:jira:RestrictedTitles"] = "true",
        ["Webhooks:Endpoints:test-receiver:Secret"] = WebhookReceiver.Secret,
        ["Programmes:activity-insights:Owner"] = "people-analytics",
        ["Programmes:activity-insights:Description"] = "Trains internal assistants on employee activity data",
        ["Programmes:activity-insights:Connection"] = "warehouse",
        ["Programmes:activity-insights:ServiceAccountRole"] = PipelineRole,
        ["Programmes:activity-insights:Datasets:0"] = "hr.employee_activity",
        ["Programmes:activity-insights:ReviewAfter"] = "7d",
        ["Programmes:scenario-insights:Connection"] = "warehouse",
        ["Programmes:scenario-insights:ServiceAccountRole"] = ScenarioPipelineRole,
        ["Programmes:scenario-insights:Datasets:0"] = "hr.scenario_activity",
        ["Detection:AccessPolicy"] = AccessPolicy,
        ["Notifications:Webhooks:chat:Url"] = Receiver.Url.Replace("/hook", "/notify"),
        ["Notifications:Webhooks:chat:Secret"] = WebhookReceiver.Secret,
        ["Notifications:Webhooks:chat:Format"] = "slack",
        // The team's channel, for what a restricted subject (an access request) may tell a shared place.
        ["Notifications:Channels:team:Kind"] = "slack",
        ["Notifications:Channels:team:Url"] = $"{Receiver.Base}/channels/team",
        ["Integrations:Slack:SigningSecret"] = SlackSecret,
        // The authorization matrix presses Slack's buttons as each of its people (the stranger, with no role, is not mapped).
        ["Integrations:Slack:Users:UMXCARL:Subject"] = "carl.commander", ["Integrations:Slack:Users:UMXCARL:Roles:0"] = "commander",
        ["Integrations:Slack:Users:UMXRITA:Subject"] = "rita.responder", ["Integrations:Slack:Users:UMXRITA:Roles:0"] = "responder",
        ["Integrations:Slack:Users:UMXLENA:Subject"] = "lena.leadership", ["Integrations:Slack:Users:UMXLENA:Roles:0"] = "leadership",
        ["Integrations:Slack:Users:UMXPIA:Subject"] = "pia.privacy", ["Integrations:Slack:Users:UMXPIA:Roles:0"] = "privacy",
        ["Integrations:Slack:Users:UMXADA:Subject"] = "ada.admin", ["Integrations:Slack:Users:UMXADA:Roles:0"] = "admin",
        ["Integrations:Slack:Users:UMXSCAN:Subject"] = "scan.bot", ["Integrations:Slack:Users:UMXSCAN:Roles:0"] = "ingest",
        ["OnCall:security:Members:0"] = "rui.responder",
        ["OnCall:security:Members:1"] = "sam.responder",
        ["OnCall:security:Start"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
        ["OnCall:security:HandoffEvery"] = "7.00:00:00",
        ["Programmes:access-study:Connection"] = "warehouse",
        ["Programmes:access-study:ServiceAccountRole"] = AccessStudyRole,
        ["Programmes:review-soon:Connection"] = "warehouse",
        ["Programmes:review-soon:ServiceAccountRole"] = ReviewPipelineRole,
        ["Programmes:review-soon:Datasets:0"] = "hr.payroll",
        ["Programmes:review-soon:ReviewAfter"] = "1s",
        ["OnCall:security-secondary:Members:0"] = "sid.secondary",
        // Incidents a signal opens are commanded by whoever is on call here.
        ["Incidents:CommanderRotation"] = "incident-commanders",
        ["OnCall:incident-commanders:Members:0"] = OnCallCommander,
        ["OnCall:incident-commanders:Start"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
        ["OnCall:security-secondary:Start"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
        // These scenarios poll hundreds of runs at once, all as one commander: far beyond one person's quota.
        ["RateLimits:Api:PermitLimit"] = "1000000",
        ["Escalation:security:Levels:0:To"] = "oncall:security-secondary",
        ["Escalation:security:Levels:0:After"] = "00:00:01",
        ["Escalation:security:Levels:1:To"] = "role:commander",
        ["Escalation:security:Levels:1:After"] = "00:00:01",
    });

    public async Task DisposeAsync()
    {
        var differences = await RecordedRunsReplay.OrWhyNotAsync(() => RecordedRunsReplay.DifferencesAsync(Host.Services));
        await Host.StopAsync();
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
        await Trackers.DisposeAsync();
        File.Delete(AccessPolicy);
        Directory.Delete(Playbooks, recursive: true);
        Directory.Delete(Catalogue, recursive: true);
        RecordedRunsReplay.ThrowIfAny(differences);
    }
}

[CollectionDefinition(Name)]
public sealed class RunsCollection : ICollectionFixture<RunsFixture>
{
    public const string Name = "playbook runs";
}
