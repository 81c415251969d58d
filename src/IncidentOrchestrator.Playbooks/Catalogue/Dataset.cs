using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Catalogue;

/// <summary>
/// One dataset of the catalogue: where it lives, how sensitive it is, whom it is about, who answers for it, what it may be
/// used for, who may hold access without asking, how long a granted access may last, who approves a request, whether
/// break-glass is allowed, and how often its access is reviewed.
/// </summary>
public sealed record Dataset(
    string Name,
    string Title,
    string Connection,
    string Object,
    string Classification,
    IReadOnlyList<string> Subjects,
    string Owner,
    IReadOnlyList<string> Stewards,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> Standing,
    TimeSpan MaxGrant,
    DatasetApprovers Approvers,
    TimeSpan? BreakGlassFor,
    TimeSpan ReviewEvery,
    string Hash,
    string Text,
    string File,
    Position NamePosition)
{
    /// <summary>What its purposes serve: <c>train-ai:activity-insights</c> serves the programme <c>activity-insights</c>.</summary>
    public IEnumerable<string> Serves => Purposes.Select(ProgrammeOf).OfType<string>().Distinct(StringComparer.Ordinal);

    /// <summary>What a purpose serves: the programme after its use (<c>train-ai:activity-insights</c> serves <c>activity-insights</c>), or
    /// null for a purpose that names none (<c>analytics</c>).</summary>
    public static string? ProgrammeOf(string purpose) => purpose.IndexOf(':') is var colon and >= 0 ? purpose[(colon + 1)..] : null;

    /// <summary>Whether one of its purposes serves <paramref name="programme"/>, which reads it on <paramref name="connection"/>.</summary>
    public bool ServesOn(string programme, string connection) => Connection == connection && Serves.Contains(programme, StringComparer.Ordinal);

    /// <summary>Whether it names a table (schema.table) rather than a whole schema.</summary>
    public bool IsTable => Object.Contains('.');
}

/// <summary>Who decides a request for access: <see cref="Quorum"/> distinct people among <see cref="From"/> (principals), the requester never counting.</summary>
public sealed record DatasetApprovers(IReadOnlyList<string> From, int Quorum);

/// <summary>How sensitive a dataset is, least first.</summary>
public static class Classifications
{
    public const string Public = "public", Internal = "internal", Confidential = "confidential", Restricted = "restricted";

    public static readonly string[] Ordered = [Public, Internal, Confidential, Restricted];
}
