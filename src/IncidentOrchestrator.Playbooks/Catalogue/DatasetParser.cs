using System.Text.RegularExpressions;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Parsing;
using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Catalogue;

/// <summary>Binds a YAML document to a <see cref="Dataset"/>, reporting every problem it meets at its line and column.</summary>
public static partial class DatasetParser
{
    public const string Kind = "Dataset";

    /// <summary>A grant with no end is standing access; one asked for may last at most this long unless the dataset says less.</summary>
    public static readonly TimeSpan LongestGrant = TimeSpan.FromDays(90);

    private static readonly string[] RootKeys =
    [
        "apiVersion", "kind", "name", "title", "connection", "object", "classification", "subjects", "owner", "stewards", "purposes",
        "standing", "maxGrant", "approvers", "breakGlass", "review",
    ];

    public static Dataset? Parse(string file, string text, ErrorSink errors, ReaderLimits? limits = null)
    {
        var root = YamlReader.Read(text, errors, limits);
        if (root is null) return null;
        var map = MapReader.Of(root, errors, "a dataset", RootKeys);
        if (map is null) return null;

        var apiVersion = map.Scalar("apiVersion", required: true);
        if (apiVersion is not null && apiVersion.Value != PlaybookParser.ApiVersion)
            errors.Add(apiVersion.Position, ErrorCodes.ApiVersion, $"apiVersion must be '{PlaybookParser.ApiVersion}', not '{apiVersion.Value}'");
        var kind = map.Scalar("kind", required: true);
        if (kind is not null && kind.Value != Kind) errors.Add(kind.Position, ErrorCodes.Kind, $"kind must be '{Kind}', not '{kind.Value}'");

        var name = map.Scalar("name", required: true);
        if (name is not null && !DottedName().IsMatch(name.Value))
            errors.Add(name.Position, ErrorCodes.BadName, $"a dataset's name is lower-case words joined by '.' or '_' (hr.employee_activity), not '{name.Value}'");
        var connection = map.Scalar("connection", required: true);
        if (connection is not null && !Names.IsKebabCase(connection.Value))
            errors.Add(connection.Position, ErrorCodes.BadName, $"a connection's name is kebab-case (warehouse), not '{connection.Value}'");
        var obj = map.Scalar("object", required: true);
        if (obj is not null && (!DottedName().IsMatch(obj.Value) || obj.Value.Count(c => c == '.') > 1))
            errors.Add(obj.Position, ErrorCodes.BadObject, $"'object' is a schema or schema.table in lower case, not '{obj.Value}'");

        var classification = map.OneOf("classification", Classifications.Ordered, required: true);
        var owner = map.Scalar("owner", required: true);
        if (owner is not null) Principal(owner, errors);
        var stewards = map.ScalarList("stewards");
        foreach (var steward in stewards) Principal(steward, errors);
        var purposes = map.ScalarList("purposes");
        foreach (var purpose in purposes.Where(p => !IsPurpose(p.Value)))
            errors.Add(purpose.Position, ErrorCodes.BadPurpose, $"a purpose is kebab-case (analytics) or a use and what it serves (train-ai:activity-insights), not '{purpose.Value}'");
        var standing = map.ScalarList("standing");
        foreach (var role in standing.Where(r => !DatabaseRole().IsMatch(r.Value)))
            errors.Add(role.Position, ErrorCodes.BadName, $"standing access is held by database roles (hr_analysts), not '{role.Value}'");

        var maxGrant = map.Duration("maxGrant", required: true);
        if (maxGrant is { } longest && (longest <= TimeSpan.Zero || longest > LongestGrant))
            errors.Add(map.Scalar("maxGrant")!.Position, ErrorCodes.GrantTooLong, $"maxGrant must be more than nothing and at most {Durations.Format(LongestGrant)}");
        var approvers = ReadApprovers(map.Node("approvers", required: true), errors);
        var breakGlass = ReadBreakGlass(map.Node("breakGlass"), maxGrant, errors);
        var review = map.Duration("review", required: true);
        if (review is { } every && every < TimeSpan.FromDays(1))
            errors.Add(map.Scalar("review")!.Position, ErrorCodes.ReviewTooOften, "access is reviewed at most once a day ('review' of 1d or more)");

        return new Dataset(name?.Value ?? "", map.Text("title", required: true) ?? "", connection?.Value ?? "", obj?.Value ?? "", classification ?? "",
            map.ScalarList("subjects").Select(s => s.Value).ToList(), owner?.Value ?? "", stewards.Select(s => s.Value).ToList(),
            purposes.Select(p => p.Value).ToList(), standing.Select(s => s.Value).ToList(), maxGrant ?? TimeSpan.Zero,
            approvers ?? new DatasetApprovers([], 1), breakGlass, review ?? TimeSpan.Zero, PlaybookParser.HashOf(text), text, errors.File,
            name?.Position ?? map.Position);
    }

    /// <summary>A purpose: <c>analytics</c>, or a use and what it serves, <c>train-ai:activity-insights</c>.</summary>
    public static bool IsPurpose(string text) =>
        text.Split(':') is var parts && parts.Length is 1 or 2 && parts.All(Names.IsKebabCase);

    private static DatasetApprovers? ReadApprovers(YNode? node, ErrorSink errors)
    {
        var map = MapReader.Of(node, errors, "'approvers'", "from", "quorum");
        if (map is null) return null;
        var from = map.ScalarList("from");
        if (from.Count == 0) errors.Add(map.Position, ErrorCodes.Missing, "'approvers' needs 'from': the principals who decide a request");
        foreach (var approver in from) Principal(approver, errors);
        var quorum = map.Integer("quorum") ?? 1;
        if (quorum < 1) errors.Add(map.Scalar("quorum")!.Position, ErrorCodes.BadQuorum, "quorum must be a positive number of distinct people");
        return new DatasetApprovers(from.Select(a => a.Value).ToList(), quorum);
    }

    private static TimeSpan? ReadBreakGlass(YNode? node, TimeSpan? maxGrant, ErrorSink errors)
    {
        var map = MapReader.Of(node, errors, "'breakGlass'", "allowed", "for");
        if (map is null) return null;
        var allowed = map.Bool("allowed") == true;
        var @for = map.Duration("for", required: allowed);
        if (@for is { } d && (d <= TimeSpan.Zero || (maxGrant is { } longest && d > longest)))
            errors.Add(map.Scalar("for")!.Position, ErrorCodes.GrantTooLong, "break-glass access lasts more than nothing and no longer than 'maxGrant'");
        return allowed ? @for : null;
    }

    private static void Principal(YScalar scalar, ErrorSink errors)
    {
        if (!Principals.IsValid(scalar.Value))
            errors.Add(scalar.Position, ErrorCodes.BadPrincipal, $"'{scalar.Value}' must be oncall:<rotation>, role:<role> or user:<id>");
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$")]
    private static partial Regex DottedName();

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex DatabaseRole();
}
