using System.Text.RegularExpressions;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Hosting;

/// <summary>
/// The console and Slack pass through the API's operations: they map an operation's outcome to their medium, and never
/// read an HTTP answer back (a status code, a cast to an HTTP result, a header), copy roles, call the gate by hand or
/// rewrite route values. Read from the source, so the next door that slips back into a copy fails here.
/// </summary>
public sealed class the_doors_map_outcomes
{
    private static readonly (string Pattern, string Why)[] Forbidden =
    [
        (@"IStatusCodeHttpResult|StatusCode\s*[<>]=?\s*\d", "decides from an HTTP status code; map the operation's Outcome instead"),
        (@"\b(as|is) (Ok|Accepted|Created|JsonHttpResult|ProblemHttpResult)<?", "reads an HTTP result back; call the operation, not its endpoint"),
        (@"\.Result is ", "reads an HTTP result back; call the operation, not its endpoint"),
        (@"RequireRole\(", "copies roles; use .Through(TheEndpoint.Method) to take the operation's own"),
        (@"GateAsync\(", "calls the need-to-know gate by hand; the route's gate applies by policy"),
        (@"RouteValues\[", "rewrites or reads route values by hand"),
        (@"Headers\[""Link""\]|""Link""", "parses the API's Link header; operations return their next cursor"),
    ];

    [Fact]
    public void no_door_reads_an_http_answer_copies_roles_or_calls_the_gate_by_hand()
    {
        var source = Path.Combine(Path.GetDirectoryName(AppFixture.RepositoryPlaybooks)!, "src", "IncidentOrchestrator");
        var doors = new[] { "Web", "Integrations" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(source, d), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)).ToList();
        Assert.True(doors.Count > 20, $"only {doors.Count} files of the doors were found under {source}");

        var found = (from file in doors
                     from line in File.ReadLines(file).Select((text, index) => (text, number: index + 1))
                     from rule in Forbidden
                     where Regex.IsMatch(line.text, rule.Pattern)
                     select $"{Path.GetRelativePath(source, file)}:{line.number}: {rule.Why}: {line.text.Trim()}").ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }
}
