using System.Text.Json;

namespace IncidentOrchestrator.Contracts;

/// <summary>
/// One link of an export's chain. <see cref="Data"/> (and the event's timeline lines, when it was stored with them) are the
/// exact text that was hashed, so that anyone can recompute the chain offline; they are left out (null) of a redacted export.
/// </summary>
public sealed record ExportedLink(long Sequence, long SeqId, string Type, DateTime Timestamp, string PreviousHash, string? Hash, string? Data,
    string? Line = null, string? RedactedLine = null);

/// <summary>
/// Verifies an export's chain offline, link by link, with the walk the service makes (<see cref="ChainWalk"/>). What a file
/// alone cannot show is events cut from its end: compare the head hash with the service's, or with one kept elsewhere.
/// </summary>
public static class ExportedChain
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The export's chain verified; a <see cref="FormatException"/> names what the export lacks.</summary>
    public static ChainVerification Verify(JsonElement export)
    {
        if (export.ValueKind == JsonValueKind.Object && export.TryGetProperty("page", out _))
            throw new FormatException("It is one page of an export: verify a whole export (incident export ID), or the incident on the service.");
        var incident = Property(export, "incident", JsonValueKind.Object);
        if (!Guid.TryParse(Property(incident, "id", JsonValueKind.String).GetString(), out var incidentId))
            throw new FormatException("The export's incident.id is not an id.");
        var walk = new ChainWalk();
        foreach (var element in Property(Property(export, "chain", JsonValueKind.Object), "links", JsonValueKind.Array).EnumerateArray())
        {
            var link = element.Deserialize<ExportedLink>(Json) ?? throw new FormatException("A link of the export's chain is null.");
            walk.Next(new ChainLink(link.SeqId, incidentId, link.Sequence, link.Type, link.Timestamp, link.Data, link.Sequence,
                link.PreviousHash, link.Hash, link.Line, link.RedactedLine));
        }
        return walk.Verification();
    }

    private static JsonElement Property(JsonElement element, string name, JsonValueKind kind) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new FormatException($"It has no {name} ({kind.ToString().ToLowerInvariant()}); an export (incident export ID) has.");
}
