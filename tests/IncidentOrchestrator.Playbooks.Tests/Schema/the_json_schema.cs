using System.Text.Json;
using System.Text.RegularExpressions;
using IncidentOrchestrator.Playbooks.Tests.Support;
using IncidentOrchestrator.Playbooks.Yaml;
using Json.Schema;

namespace IncidentOrchestrator.Playbooks.Tests.Schema;

/// <summary>
/// playbooks/playbook.schema.json is what editors use while people type. It must accept every
/// shipped playbook, reject every structural mistake the validator rejects, and not reject what is
/// structurally sound (the graph, expression and action rules are the validator's alone).
/// </summary>
public sealed partial class the_json_schema
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Repository.Playbooks, "playbook.schema.json")));

    // Codes a JSON Schema can express. Duplicated keys (PB014) vanish when YAML becomes JSON, so they are not among them.
    private static readonly HashSet<string> Structural =
    [
        "PB010", "PB011", "PB012", "PB013", "PB015", "PB016", "PB017", "PB018", "PB019", "PB020", "PB021",
        "PB025", "PB044", "PB060", "PB061", "PB062", "PB063", "PB064", "PB065", "PB066",
    ];

    private static string Corpus => Path.Combine(AppContext.BaseDirectory, "Corpus", "invalid");

    public static TheoryData<string> Shipped()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repository.Playbooks, "*.yaml").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Corpus, "*.yaml").Order())
        {
            var codes = Codes(File.ReadAllText(file));
            if (!codes.Overlaps(["PB002", "PB006", "PB014"])) data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory, MemberData(nameof(Shipped))]
    public void every_shipped_playbook_passes_it(string file)
    {
        var result = Evaluate(File.ReadAllText(Path.Combine(Repository.Playbooks, file)));
        Assert.True(result.IsValid, Describe(result));
    }

    [Theory, MemberData(nameof(CorpusFiles))]
    public void it_rejects_what_is_structurally_wrong_and_accepts_the_rest(string file)
    {
        var text = File.ReadAllText(Path.Combine(Corpus, file));
        var structural = Codes(text).Overlaps(Structural);

        var result = Evaluate(text);

        Assert.True(result.IsValid != structural,
            structural ? $"{file}: the schema accepts a structural error the validator rejects" : $"{file}: the schema rejects a structurally sound file\n{Describe(result)}");
    }

    [Fact]
    public void enough_of_the_corpus_is_structural_for_the_comparison_to_mean_something()
    {
        var structural = Directory.GetFiles(Corpus, "*.yaml").Count(f => Codes(File.ReadAllText(f)).Overlaps(Structural));
        Assert.True(structural >= 60, $"only {structural} structural corpus files");
    }

    private static EvaluationResults Evaluate(string yaml)
    {
        var errors = new ErrorSink("schema.yaml");
        var node = YamlReader.Read(yaml, errors) ?? throw new InvalidOperationException(string.Join("\n", errors.Errors));
        using var document = JsonDocument.Parse(YamlAsJson.Convert(node)?.ToJsonString() ?? "null");
        return Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults result) => string.Join("\n",
        (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    private static HashSet<string> Codes(string text) => ExpectCode().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();

    [GeneratedRegex(@"^# expect: (PB\d{3})", RegexOptions.Multiline)]
    private static partial Regex ExpectCode();
}
