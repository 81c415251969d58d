using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Actions.Programmes;
using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Detection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentOrchestrator.Tests.Catalogue;

/// <summary>
/// One place says who may read what: the drift scanner's policy and a programme's datasets are the catalogue's answer; the
/// settings that said it before still count for this release, each named in a warning with its replacement.
/// </summary>
public sealed class the_catalogue_says_who_may_read_what : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("catalogue-access-");

    private static string Dataset(string name, string connection, string obj, string purposes, string standing) => $"""
        apiVersion: incidents/v1
        kind: Dataset
        name: {name}
        title: {name}
        connection: {connection}
        object: {obj}
        classification: restricted
        owner: user:hana
        purposes: [{purposes}]
        standing: [{standing}]
        maxGrant: 14d
        approvers: {"{"} from: [role:privacy] {"}"}
        review: 90d
        """;

    /// <summary>What the scanner checks and what a programme's suspension revokes, both asking the catalogue, and what each warns of at start.</summary>
    private sealed record Access(ScannedAccess Scanned, ProgrammeDatasets Programmes, IReadOnlyList<(LogLevel Level, string Text)> Warnings,
        DatasetAccess Catalogue, CatalogueFolder Folder, IncidentOrchestrator.Actions.Postgres.NamedConnections Connections);

    private Access AccessOf(string? policyFile = null, params (string Name, ProgrammeDefinition Definition)[] programmes)
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "activity.yaml"), Dataset("hr.employee_activity", "warehouse", "hr.employee_activity",
            "train-ai:activity-insights, analytics", "hr_analysts"));
        File.WriteAllText(Path.Combine(_folder.FullName, "elsewhere.yaml"), Dataset("crm.contacts", "crm", "crm.contacts", "analytics", "sales"));
        File.WriteAllText(Path.Combine(_folder.FullName, "schema.yaml"), Dataset("hr.everything", "warehouse", "hr", "analytics", "hr_admins"));
        var folder = new CatalogueFolder(new CatalogueOptions { Path = _folder.FullName, Watch = false }, new Environment(), NullLogger<CatalogueFolder>.Instance);
        Assert.True(folder.IsReady, folder.LoadError);
        var options = new ProgrammeOptions();
        foreach (var (name, definition) in programmes) options[name] = definition;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Connections:warehouse"] = "Host=warehouse" }).Build();
        var connections = new IncidentOrchestrator.Actions.Postgres.NamedConnections(configuration);
        var catalogue = new DatasetAccess(folder, new CatalogueOptions { Path = _folder.FullName }, connections);
        var scanned = new ScannedAccess(catalogue, new DetectionOptions { AccessPolicy = policyFile }, options);
        var programmeDatasets = new ProgrammeDatasets(catalogue, options);
        return new Access(scanned, programmeDatasets, [.. catalogue.Warnings(), .. scanned.Warnings(), .. programmeDatasets.Warnings()], catalogue, folder,
            connections);
    }

    private static readonly ProgrammeDefinition ActivityInsights = new() { Connection = "warehouse", ServiceAccountRole = "training_pipeline" };

    [Fact]
    public void the_scanner_allows_a_tables_standing_roles_and_a_drift_names_the_programme_its_purposes_serve()
    {
        var access = AccessOf(null, ("activity-insights", ActivityInsights), ("unrelated", new ProgrammeDefinition { Connection = "warehouse", ServiceAccountRole = "other" }));

        var policy = access.Scanned.Policy()!;

        var (connection, datasets) = Assert.Single(policy.Connections);
        Assert.Equal("warehouse", connection); // crm is not a connection of this service: nothing to check there
        var activity = Assert.Single(datasets);
        Assert.Equal("hr.employee_activity", activity.Key); // the schema-level dataset is not checked yet
        Assert.Equal(["hr_analysts"], activity.Value.Allowed); // a purpose is what access may be asked for, not access
        Assert.True(access.Scanned.HasAnythingToCheck);
        Assert.Equal("activity-insights", activity.Value.Programme);
        Assert.Equal(["hr.employee_activity"], access.Programmes.Of("activity-insights", ActivityInsights));
        Assert.Empty(access.Programmes.Of("unrelated", new ProgrammeDefinition { Connection = "warehouse" }));

        var warnings = access.Warnings;
        Assert.Contains(warnings, w => w.Level == LogLevel.Warning && w.Text.Contains("hr.everything") && w.Text.Contains("schema"));
        Assert.Contains(warnings, w => w.Level == LogLevel.Information && w.Text.Contains("crm.contacts") && w.Text.Contains("Connections__crm"));
        Assert.DoesNotContain(warnings, w => w.Text.Contains("Detection__AccessPolicy") || w.Text.Contains("__Datasets"));
    }

    [Fact]
    public void the_old_settings_still_count_for_this_release_each_with_a_warning_naming_its_replacement()
    {
        var file = Path.Combine(_folder.FullName, "policy.yml.old");
        File.WriteAllText(file, """
            connections:
              warehouse:
                hr.payroll:
                  allowed: [payroll_clerks]
            """);
        var legacy = new ProgrammeDefinition { Connection = "warehouse", ServiceAccountRole = "training_pipeline", Datasets = ["hr.payroll", "hr.employee_activity"] };
        var access = AccessOf(file, ("activity-insights", legacy));

        Assert.Equal(["hr.payroll"], access.Scanned.Policy()!.Connections["warehouse"].Keys);
        Assert.Equal(["hr.employee_activity", "hr.payroll"], access.Programmes.Of("activity-insights", legacy).Order());
        var warnings = access.Warnings;
        Assert.Contains(warnings, w => w.Text.StartsWith("Detection__AccessPolicy is read for this release only") && w.Text.Contains("Catalogue__Path"));
        Assert.Contains(warnings, w => w.Text.StartsWith("Programmes__activity-insights__Datasets is read for this release only") && w.Text.Contains("train-ai:activity-insights"));
    }

    [Fact]
    public async Task grants_that_cannot_be_read_are_said_so_with_why_not_failed()
    {
        var access = AccessOf(null, ("activity-insights", ActivityInsights));
        // No store: no database answers here, so no grant is read that a request's grant could explain.
        var read = new DatasetGrantsRead(access.Folder, access.Catalogue, access.Scanned, access.Connections, null!, TimeProvider.System,
            NullLogger<DatasetGrantsRead>.Instance);
        var owner = new IncidentOrchestrator.Security.Caller("hana", "Hana", new HashSet<string> { Roles.Responder });
        async Task<DatasetGrants> GrantsOf(string name) => (await read.ReadAsync(name, owner, CancellationToken.None)).Value!;

        Assert.Contains("is a schema", (await GrantsOf("hr.everything")).Unchecked);
        Assert.Contains("Connections__crm", (await GrantsOf("crm.contacts")).Unchecked);
        // A database that does not answer ("warehouse" is no host here): said, without its address or login, and not a failure.
        var unreachable = await GrantsOf("hr.employee_activity");
        Assert.Contains("did not answer", unreachable.Unchecked);
        Assert.DoesNotContain("Host=", unreachable.Unchecked);
        Assert.True(unreachable.Scanned); // the catalogue's table, which the scanner checks
        Assert.Empty(unreachable.Grants);

        // Grants name roles: only those who answer for the dataset, privacy and administrators see them.
        var someone = new IncidentOrchestrator.Security.Caller("rita", "Rita", new HashSet<string> { Roles.Responder, Roles.Commander });
        Assert.Equal(RefusalKind.Forbidden, (await read.ReadAsync("hr.employee_activity", someone, CancellationToken.None)).Refused?.Kind);
        var privacy = new IncidentOrchestrator.Security.Caller("pia", "Pia", new HashSet<string> { Roles.Privacy });
        Assert.Null((await read.ReadAsync("hr.employee_activity", privacy, CancellationToken.None)).Refused);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
