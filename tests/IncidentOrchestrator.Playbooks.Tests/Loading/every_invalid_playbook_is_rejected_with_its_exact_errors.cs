using System.Text.RegularExpressions;
using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Loading;

/// <summary>
/// Each file of Corpus/invalid breaks one rule of the format (a few break several) and says in
/// its <c># expect: CODE LINE:COLUMN</c> lines exactly which errors it must produce.
/// </summary>
public sealed partial class every_invalid_playbook_is_rejected_with_its_exact_errors
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Corpus", "invalid");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void the_corpus_covers_every_error_code_and_has_at_least_eighty_files()
    {
        var files = Directory.GetFiles(Folder, "*.yaml");
        Assert.True(files.Length >= 80, $"only {files.Length} corpus files");

        var expected = files.SelectMany(f => Expected(File.ReadAllText(f))).Select(e => e.Code).ToHashSet();
        var codes = typeof(ErrorCodes).GetFields().Select(f => (string)f.GetValue(null)!).Where(c => c.StartsWith("PB", StringComparison.Ordinal))
            .Except([ErrorCodes.FileTooLarge, ErrorCodes.NodeBudget, ErrorCodes.TooDeep, ErrorCodes.ScalarTooLong, ErrorCodes.DuplicatePlaybook]);
        Assert.Empty(codes.Except(expected)); // those five are proven by the hostile-input and library tests; the catalogue's (CT) by its own
    }

    [Theory, MemberData(nameof(Files))]
    public void is_rejected_with_exactly_the_expected_codes_and_positions(string file)
    {
        var text = File.ReadAllText(Path.Combine(Folder, file));
        var expected = Expected(text).Select(e => $"{e.Code} {e.Line}:{e.Column}").Order().ToList();
        Assert.NotEmpty(expected);

        var errors = Load.Errors(text, file);
        var actual = errors.Select(e => $"{e.Code} {e.Line}:{e.Column}").Order().ToList();

        Assert.True(expected.SequenceEqual(actual),
            $"{file}\nexpected: {string.Join(", ", expected)}\nactual:   {string.Join(", ", actual)}\n{string.Join("\n", errors)}");
        Assert.All(errors, e => Assert.Equal($"{file}:{e.Line}:{e.Column}: {e.Code} {e.Message}", e.ToString()));
    }

    [Theory, MemberData(nameof(Files))]
    public void contributes_nothing_to_the_library(string file)
    {
        var library = PlaybookLibrary.Load(
            [new PlaybookSource(file, File.ReadAllText(Path.Combine(Folder, file)))], BuiltInActions.Catalog);

        Assert.Empty(library.Playbooks);
        Assert.Equal([file], library.RejectedFiles);
    }

    private static IEnumerable<(string Code, int Line, int Column)> Expected(string text) =>
        ExpectLine().Matches(text).Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value)));

    [GeneratedRegex(@"^# expect: (PB\d{3}) (\d+):(\d+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();
}
