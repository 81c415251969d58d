using System.Diagnostics;
using System.Text;
using IncidentOrchestrator.Playbooks.Actions;

namespace IncidentOrchestrator.Playbooks.Tests.Hostile;

/// <summary>
/// Each case must be rejected with its code well under a second and without large allocations.
/// The bounds are generous for a loaded CI machine; real figures are in the closing note of the issue.
/// </summary>
public sealed class hostile_input_is_rejected_fast_and_small
{
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(1);
    private const long AllocationBound = 64L * 1024 * 1024;

    public static TheoryData<string, string> Cases => new()
    {
        { "billion laughs", BillionLaughs() },
        { "alias fan-out in a flow mapping", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n" },
        { "deep nesting of lists", new string('[', 10_000) + new string(']', 10_000) },
        { "deep nesting of mappings", string.Concat(Enumerable.Range(0, 1_000).Select(i => new string(' ', i) + "a:\n")) },
        { "a file of several megabytes", "apiVersion: incidents/v1\ndescription: " + new string('x', 3 * 1024 * 1024) + "\n" },
        { "one huge string", "apiVersion: incidents/v1\ndescription: \"" + new string('y', 200_000) + "\"\n" },
        { "a hundred thousand steps", "steps:\n" + string.Concat(Enumerable.Repeat("  - id: s\n", 100_000)) },
    };

    public static TheoryData<string, string> Codes => new()
    {
        { "billion laughs", ErrorCodes.NodeBudget },
        { "alias fan-out in a flow mapping", ErrorCodes.NodeBudget },
        { "deep nesting of lists", ErrorCodes.TooDeep },
        { "deep nesting of mappings", ErrorCodes.TooDeep },
        { "a file of several megabytes", ErrorCodes.FileTooLarge },
        { "one huge string", ErrorCodes.ScalarTooLong },
        { "a hundred thousand steps", ErrorCodes.NodeBudget },
    };

    [Theory, MemberData(nameof(Cases))]
    public void is_rejected_within_the_time_and_memory_bounds(string name, string yaml)
    {
        var expectedCode = Codes.Single(c => (string)c[0] == name)[1];
        Validate(yaml); // warm up the code paths so the measurement is of the input, not of JIT

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var errors = Validate(yaml);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Contains(errors, e => e.Code == (string)expectedCode);
        Assert.True(clock.Elapsed < TimeBound, $"{name}: took {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(allocated < AllocationBound + 2L * Encoding.UTF8.GetByteCount(yaml), $"{name}: allocated {allocated / 1024 / 1024} MiB");
    }

    [Fact]
    public void a_library_folder_skips_an_oversize_file_without_reading_it_whole()
    {
        var folder = Directory.CreateTempSubdirectory("playbooks-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "huge.yaml"), "description: " + new string('x', 2 * 1024 * 1024));
            var library = PlaybookLibrary.LoadDirectory(folder.FullName, BuiltInActions.Catalog);
            Assert.Equal("huge.yaml:1:1: PB001 the file is larger than 1024 KiB", Assert.Single(library.Errors).ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static IReadOnlyList<PlaybookError> Validate(string yaml) =>
        PlaybookLibrary.Empty.Validate(new PlaybookSource("hostile.yaml", yaml), BuiltInActions.Catalog);

    private static string BillionLaughs()
    {
        var text = new StringBuilder("a0: &a0 \"lol\"\n");
        for (var i = 1; i <= 9; i++)
            text.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        return text.ToString();
    }
}
