using System.Text.Json;
using IncidentOrchestrator.Playbooks.Catalogue;
using IncidentOrchestrator.Playbooks.Tests.Schema;
using IncidentOrchestrator.Playbooks.Tests.Support;
using IncidentOrchestrator.Playbooks.Yaml;
using Json.Schema;

namespace IncidentOrchestrator.Playbooks.Tests.Catalogue;

/// <summary>The catalogue's YAML is read as playbooks are: every problem at its file, line and column with a code, and a file with any contributes nothing.</summary>
public sealed class reading_the_catalogue
{
    private const string Valid = """
        apiVersion: incidents/v1
        kind: Dataset
        name: hr.employee_activity
        title: Employee activity
        connection: warehouse
        object: hr.employee_activity
        classification: restricted
        subjects: [employee]
        owner: user:hana.hr-data
        stewards: [role:privacy]
        purposes: [train-ai:activity-insights, analytics]
        standing: [hr_analysts]
        maxGrant: 14d
        approvers:
          from: [user:hana.hr-data, role:privacy]
          quorum: 2
        breakGlass:
          allowed: true
          for: 4h
        review: 90d
        """;

    private static DatasetCatalogue Load(params (string File, string Text)[] files) =>
        DatasetCatalogue.Load(files.Select(f => new PlaybookSource(f.File, f.Text)));

    [Fact]
    public void a_dataset_is_read_with_everything_it_declares()
    {
        var catalogue = Load(("hr.yaml", Valid));

        Assert.True(catalogue.IsValid, string.Join("\n", catalogue.Errors));
        var dataset = catalogue.Find("hr.employee_activity")!;
        Assert.Equal(("warehouse", "hr.employee_activity", Classifications.Restricted), (dataset.Connection, dataset.Object, dataset.Classification));
        Assert.Equal(["train-ai:activity-insights", "analytics"], dataset.Purposes);
        Assert.True(dataset.ServesOn("activity-insights", "warehouse"));
        Assert.False(dataset.ServesOn("activity-insights", "another-warehouse"));
        Assert.False(dataset.ServesOn("analytics", "warehouse")); // a purpose without ':' serves no programme
        Assert.True(dataset.IsTable);
        Assert.Equal(TimeSpan.FromDays(14), dataset.MaxGrant);
        Assert.Equal(["user:hana.hr-data", "role:privacy"], dataset.Approvers.From);
        Assert.Equal(2, dataset.Approvers.Quorum);
        Assert.Equal(TimeSpan.FromHours(4), dataset.BreakGlassFor);
        Assert.Equal(TimeSpan.FromDays(90), dataset.ReviewEvery);
        Assert.Matches("^[0-9a-f]{64}$", catalogue.Hash);
        Assert.NotEqual(catalogue.Hash, Load(("hr.yaml", Valid.Replace("review: 90d", "review: 30d"))).Hash); // the version changes with any file
    }

    public static TheoryData<string, string, string, string, int, int> Mistakes => new()
    {
        { "an unknown classification", "classification: restricted", "classification: secret", ErrorCodes.NotAllowed, 7, 17 },
        { "a purpose that is not one", "purposes: [train-ai:activity-insights, analytics]", "purposes: [train-ai:activity-insights, Analytics!]", ErrorCodes.BadPurpose, 11, 40 },
        { "break-glass longer than the longest grant", "  for: 4h", "  for: 30d", ErrorCodes.GrantTooLong, 19, 8 },
        { "break-glass for a time that is not one, even when not allowed", "  allowed: true\n  for: 4h", "  allowed: false\n  for: banana", ErrorCodes.BadDuration, 19, 8 },
        { "a grant longer than any may be", "maxGrant: 14d", "maxGrant: 365d", ErrorCodes.GrantTooLong, 13, 11 },
        { "an approver who is not a principal", "from: [user:hana.hr-data, role:privacy]", "from: [user:hana.hr-data, privacy]", ErrorCodes.BadPrincipal, 15, 29 },
        { "no quorum", "quorum: 2", "quorum: 0", ErrorCodes.BadQuorum, 16, 11 },
        { "an object with a table in a table", "object: hr.employee_activity", "object: hr.employee.activity", ErrorCodes.BadObject, 6, 9 },
        { "a standing grantee that is not a database role", "standing: [hr_analysts]", "standing: [HR Analysts]", ErrorCodes.BadName, 12, 12 },
        { "a review more often than daily", "review: 90d", "review: 12h", ErrorCodes.ReviewTooOften, 20, 9 },
        { "an unknown key", "review: 90d", "review: 90d\nreviewers: [role:privacy]", ErrorCodes.UnknownKey, 21, 1 },
        { "a missing owner", "owner: user:hana.hr-data\n", "", ErrorCodes.Missing, 1, 1 },
    };

    [Theory, MemberData(nameof(Mistakes))]
    public void a_mistake_is_reported_where_it_is_and_the_file_contributes_nothing(string _, string replace, string with, string code, int line, int column)
    {
        Assert.Contains(replace, Valid);
        var catalogue = Load(("hr.yaml", Valid.Replace(replace, with)));

        Assert.Empty(catalogue.Datasets);
        Assert.Equal(["hr.yaml"], catalogue.RejectedFiles);
        var error = Assert.Single(catalogue.Errors);
        Assert.Equal(("hr.yaml", code, line, column), (error.File, error.Code, error.Line, error.Column));
    }

    [Fact]
    public void two_datasets_may_not_share_a_name_or_an_object()
    {
        var other = Valid.Replace("name: hr.employee_activity", "name: hr.activity_copy");
        var catalogue = Load(("a.yaml", Valid), ("b.yaml", Valid), ("c.yaml", other));

        // Every file in a clash hears of it, whichever of them someone checks: none is taken.
        Assert.Empty(catalogue.Datasets);
        Assert.Equal([(ErrorCodes.DuplicateDataset, "a.yaml"), (ErrorCodes.DuplicateObject, "a.yaml"), (ErrorCodes.DuplicateDataset, "b.yaml"),
            (ErrorCodes.DuplicateObject, "b.yaml"), (ErrorCodes.DuplicateObject, "c.yaml"), (ErrorCodes.DuplicateObject, "c.yaml")],
            catalogue.Errors.Select(e => (e.Code, e.File)));
    }

    [Fact]
    public void the_shipped_catalogue_loads_and_its_schema_accepts_it_and_refuses_a_mistake()
    {
        var catalogue = DatasetCatalogue.LoadDirectory(Repository.Catalogue);
        Assert.True(catalogue.IsValid, string.Join("\n", catalogue.Errors));
        Assert.Contains("hr.employee_activity", catalogue.Datasets.Keys);

        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Repository.Catalogue, "dataset.schema.json")));
        foreach (var file in Directory.GetFiles(Repository.Catalogue, "*.yaml"))
            Assert.True(Evaluate(schema, File.ReadAllText(file)), $"{file}: the schema refuses a dataset the service loads");
        Assert.False(Evaluate(schema, Valid.Replace("classification: restricted", "classification: secret")));
        Assert.False(Evaluate(schema, Valid.Replace("purposes: [train-ai:activity-insights, analytics]", "purposes: [Analytics!]")));
    }

    private static bool Evaluate(JsonSchema schema, string yaml)
    {
        var errors = new ErrorSink("schema.yaml");
        var node = YamlReader.Read(yaml, errors) ?? throw new InvalidOperationException(string.Join("\n", errors.Errors));
        using var document = JsonDocument.Parse(YamlAsJson.Convert(node)?.ToJsonString() ?? "null");
        return schema.Evaluate(document.RootElement).IsValid;
    }
}
