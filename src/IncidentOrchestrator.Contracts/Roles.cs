namespace IncidentOrchestrator.Contracts;

/// <summary>The roles a token may carry (claim <c>role</c>), and the groups endpoints admit.</summary>
public static class Roles
{
    public const string Commander = "commander";
    public const string Responder = "responder";
    public const string Leadership = "leadership";
    public const string Privacy = "privacy";
    public const string Admin = "admin";
    public const string Ingest = "ingest";

    public static readonly string[] All = [Commander, Responder, Leadership, Privacy, Admin, Ingest];

    /// <summary>Whether the service knows <paramref name="role"/>: a token, a group mapping or a Slack user naming another gives nothing.</summary>
    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>People who may read incidents (systems that only ingest may not).</summary>
    public const string Readers = "commander,responder,leadership,privacy,admin";

    public const string SignalSenders = "ingest,commander";

    /// <summary>Those who act for any incident's command: its commanders, and admins.</summary>
    public const string CommandersAndAdmins = "commander,admin";

    /// <summary>Those who read the response's figures across incidents.</summary>
    public const string Oversight = "leadership,commander";

    /// <summary>Those who write and try playbooks: validate and dry-run execute nothing.</summary>
    public const string PlaybookAuthors = "commander,responder,admin";
}
