using Alba;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>One service host per test collection, on its own fresh database.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateDatabaseAsync("incidents");
        Host = await StartHostAsync(ConnectionString, settings: Settings);
    }

    /// <summary>The basic-auth user Alertmanager is configured with in the shared host.</summary>
    public const string AlertmanagerUser = "alertmanager", AlertmanagerPassword = "correct horse battery staple";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Integrations:Alertmanager:Username"] = AlertmanagerUser,
        ["Integrations:Alertmanager:Password"] = AlertmanagerPassword,
        ["Integrations:PagerDuty:RoutingKeys:0"] = "samplekeyhere",
    };

    /// <summary>Starts the real service (pre-generated code, real auth) on the given database.</summary>
    public static async Task<IAlbaHost> StartHostAsync(string connectionString, string? playbooks = null,
        Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        JasperFxEnvironment.AutoStartHost = true;
        return await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:Incidents", connectionString);
            builder.UseSetting("Auth:SigningKey", Tokens.SigningKey);
            builder.UseSetting("Playbooks:Path", playbooks ?? RepositoryPlaybooks);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
            builder.ConfigureServices(collection =>
            {
                collection.DisableAllExternalWolverineTransports();
                collection.RunWolverineInSoloMode();
                services?.Invoke(collection);
            });
        });
    }

    public static string RepositoryPlaybooks { get; } = FindPlaybooks();

    private static string FindPlaybooks()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "IncidentOrchestrator.sln"))) return Path.Combine(dir.FullName, "playbooks");
        throw new InvalidOperationException("The repository's playbooks/ folder was not found above " + AppContext.BaseDirectory);
    }

    public async Task DisposeAsync()
    {
        var differences = await RecordedRunsReplay.OrWhyNotAsync(() => RecordedRunsReplay.DifferencesAsync(Host.Services));
        await Host.StopAsync();
        await Host.DisposeAsync();
        RecordedRunsReplay.ThrowIfAny(differences);
    }
}

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "incident service";
}
