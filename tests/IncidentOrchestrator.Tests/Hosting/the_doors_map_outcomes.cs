using System.Text.RegularExpressions;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Hosting;

/// <summary>
/// The console and Slack pass through the API's operations: they map an operation's outcome to their medium, and never
/// read an HTTP answer back (a status code, an HTTP result type, a header), copy roles, admit by hand or rewrite route
/// values. Read from the source (comments aside), so the next door that slips back into a copy fails here. The API's own
/// endpoints and mapping (Hosting, the intake integrations) answer HTTP by design, and the CLI is an HTTP client: they are
/// not doors that call operations in process.
/// </summary>
public sealed class the_doors_map_outcomes
{
    private static readonly (Regex Pattern, string Why)[] Forbidden =
    [
        (new(@"IStatusCodeHttpResult|\bStatusCode\s*(:|==|!=|<=|>=|<|>)\s*[<>=]*\s*\d"), "decides from an HTTP status code; map the operation's Outcome instead"),
        (new(@"\b(Ok|Accepted|Created|JsonHttpResult|ProblemHttpResult|Results)<"), "names an HTTP result type; call the operation, not its endpoint"),
        (new(@"\b(is|as|case)\s+(not\s+)?(NoContent|Ok|Accepted|Created|ProblemHttpResult)\b"), "tests an HTTP result; call the operation, not its endpoint"),
        (new(@"\.Result\s+is\b"), "reads an HTTP result back; call the operation, not its endpoint"),
        (new(@"RequireRole\(|RequireAuthorization\(\s*\w+\s*=>"), "copies roles; use .Through(TheEndpoint.Method) to take the operation's own"),
        (new(@"\.AdmitTo\w+Async\("), "admits by hand; the route's gate applies by policy"),
        (new(@"RouteValues\["), "rewrites or reads route values by hand"),
        (new(@"""Link""|HeaderNames\.Link|Headers\.Link"), "parses the API's Link header; operations return their next cursor"),
    ];

    /// <summary>The lines each pattern is there to catch: the test is only as good as its patterns.</summary>
    public static TheoryData<string> Slips => new()
    {
        "return Succeeded(result) is IStatusCodeHttpResult { StatusCode: < 400 };",
        "if (response.StatusCode == 200) return page;",
        "var entries = ((Ok<List<AccessLogEntry>>)result).Value;",
        "if (got.Result is not Ok<RunView> { Value: { } run }) return NotFound();",
        "case NoContent _: return SeeOther(url);",
        "return result is Accepted ? SeeOther(url) : page;",
        ".RequireAuthorization(p => p.RequireRole(Roles.Commander));",
        "await gate.AdmitToIncidentAsync(context, id, ct);",
        "context.Request.RouteValues[\"id\"] = mapped;",
        "var next = response.Headers[\"Link\"].ToString();",
    };

    [Theory, MemberData(nameof(Slips))]
    public void each_slip_is_caught(string line) => Assert.Contains(Forbidden, rule => rule.Pattern.IsMatch(line));

    [Fact]
    public void no_door_reads_an_http_answer_copies_roles_or_admits_by_hand()
    {
        var source = Path.Combine(Path.GetDirectoryName(AppFixture.RepositoryPlaybooks)!, "src", "IncidentOrchestrator");
        // The console, and Slack's buttons; the other integrations are API endpoints themselves, answering HTTP by design.
        var doors = Directory.EnumerateFiles(Path.Combine(source, "Web"), "*.*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(source, "Integrations"), "Slack*.cs"))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)).ToList();
        Assert.True(doors.Count > 20, $"only {doors.Count} files of the doors were found under {source}");

        var found = (from file in doors
                     from line in File.ReadLines(file).Select((text, index) => (text: WithoutComment(text), number: index + 1))
                     from rule in Forbidden
                     where rule.Pattern.IsMatch(line.text)
                     select $"{Path.GetRelativePath(source, file)}:{line.number}: {rule.Why}: {line.text.Trim()}").ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    private static string WithoutComment(string line) =>
        line.TrimStart() is var t && (t.StartsWith("//", StringComparison.Ordinal) || t.StartsWith("@*", StringComparison.Ordinal)) ? "" : line;
}
