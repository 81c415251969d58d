using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IncidentOrchestrator.Contracts;

/// <summary>
/// The incident's hash chain: each event is linked to the one before it in its stream by
/// <c>sha256(previousHash \n seqId \n incidentId \n sequence \n type \n timestamp \n data)</c>, followed by
/// <c>\n line \n redactedLine</c> for an event stored with a timeline line or a redacted one, each empty when absent (what a
/// timeline page shows is covered too). The database's
/// <c>event_chain_hash</c> makes the links, the service verifies them, and anyone holding an export verifies them offline:
/// all with this canonical form.
/// </summary>
public static class HashChain
{
    /// <summary>The event headers that hold an event's timeline line and its redacted line, which its link covers.</summary>
    public const string LineHeader = "timeline";
    public const string RedactedLineHeader = "timeline-redacted";

    /// <summary>The previous hash of a stream's first event.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The canonical form in words, as an export states it.</summary>
    public const string CanonicalForm =
        "sha256(previousHash \\n seqId \\n incidentId \\n sequence \\n type \\n timestamp as yyyy-MM-ddTHH:mm:ss.ffffffZ \\n data), lower-case hex; " +
        "an event stored with a timeline line (or a redacted one) adds \\n line \\n redactedLine after data, each empty when absent; " +
        "the first previousHash is 64 zeros";

    public static string Hash(string previous, long seqId, Guid streamId, long version, string type, DateTime timestamp, string data,
        string? line = null, string? redactedLine = null)
    {
        var canonical = string.Join('\n',
            previous,
            seqId.ToString(CultureInfo.InvariantCulture),
            streamId.ToString("D"),
            version.ToString(CultureInfo.InvariantCulture),
            type,
            Timestamp(timestamp),
            data);
        if (line is not null || redactedLine is not null) canonical = string.Join('\n', canonical, line ?? "", redactedLine ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Microseconds in UTC; PostgreSQL's infinities (Marten's tombstones carry the minimum) as PostgreSQL writes them.</summary>
    private static string Timestamp(DateTime at) =>
        at == DateTime.MinValue ? "-infinity"
        : at == DateTime.MaxValue ? "infinity"
        : (at.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : at.ToUniversalTime())
            .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// One event as its link covers it. <see cref="Data"/> is the exact text hashed; null when it was withheld (a redacted export).
/// <see cref="Line"/> and <see cref="RedactedLine"/> are the timeline lines stored with the event, when it has them.
/// </summary>
public sealed record ChainLink(long SeqId, Guid StreamId, long Version, string Type, DateTime Timestamp, string? Data,
    long? LinkedVersion, string? PreviousHash, string? StoredHash, string? Line = null, string? RedactedLine = null);

/// <summary>What recomputing an incident's chain found. Sequences are stream positions, as on the timeline.</summary>
public sealed record ChainVerification(bool Valid, int Events, long? FirstBrokenSequence, string? Reason, string? HeadHash);

/// <summary>
/// The walk along a stream's links, in order, as the service and an offline check both make it: the first broken link,
/// why, and the last good hash.
/// </summary>
public sealed class ChainWalk
{
    private string _previous = HashChain.Genesis;
    private long _expected = 1;

    public int Events { get; private set; }
    public (long Sequence, string Reason)? Broken { get; private set; }
    public string? Head { get; private set; }

    public void Next(ChainLink link)
    {
        Events++;
        var expected = _expected++;
        if (Broken is not null) return;
        Broken = link.Version != expected ? (expected, "an event is missing at this position, or one was moved")
            : link.StoredHash is null ? (link.Version, "the event has no link: it was written around the service")
            : link.LinkedVersion != link.Version ? (link.Version, "the event was moved from the position it was linked at")
            : link.PreviousHash != _previous ? (link.Version, "the link does not follow the previous event")
            : link.Data is null ? (link.Version, "the export is redacted: it has no hashed text to recompute")
            : HashChain.Hash(_previous, link.SeqId, link.StreamId, link.Version, link.Type, link.Timestamp, link.Data, link.Line,
                link.RedactedLine) != link.StoredHash
                ? (link.Version, "the event's content differs from what was linked")
            : null;
        if (Broken is null) _previous = Head = link.StoredHash!;
    }

    /// <summary>Also broken at <paramref name="sequence"/>, when that is earlier than what the walk found.</summary>
    public void Also(long sequence, string reason)
    {
        if (Broken is not { } b || sequence < b.Sequence) Broken = (sequence, reason);
    }

    public ChainVerification Verification() => Broken is { } b
        ? new ChainVerification(false, Events, b.Sequence, b.Reason, Head)
        : new ChainVerification(true, Events, null, null, Head);
}
