using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IncidentOrchestrator.Cli;

public static class Pages
{
    /// <summary>The first page, or every page when <paramref name="all"/>, following the API's <c>Link</c> headers.</summary>
    public static async Task<List<JsonElement>> ReadAsync(ApiClient api, string path, bool all, CancellationToken ct)
    {
        var items = new List<JsonElement>();
        for (var next = path; next is not null;)
        {
            var (page, following) = await api.GetPageAsync(next, ct);
            items.AddRange(page.EnumerateArray());
            next = all ? following : null;
        }
        return items;
    }
}

public static class SignalFile
{
    /// <summary>A file of signals as the batch endpoint takes them: a JSON array, a single object, or one object a line.</summary>
    public static List<JsonElement> Parse(string text, string name)
    {
        try
        {
            if (text.TrimStart().StartsWith('['))
                return JsonDocument.Parse(text).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
            try
            {
                return [JsonDocument.Parse(text).RootElement.Clone()];
            }
            catch (JsonException)
            {
                // Not one document: one object a line (JSON Lines).
                return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
            }
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"{name}: not JSON signals ({e.Message}).");
        }
    }
}

public static class KeyValues
{
    /// <summary>
    /// <c>k=v</c> pairs as a JSON object's members, typed by guess (true, false and numbers stay typed; the rest are text):
    /// for values nothing declares a type for, such as a signal's attributes.
    /// </summary>
    public static Dictionary<string, JsonElement> Parse(IEnumerable<string>? pairs, string option) =>
        Split(pairs, option).ToDictionary(p => p.Key, p => p.Value switch
        {
            "true" or "false" => JsonSerializer.SerializeToElement(p.Value == "true"),
            var text when IncidentOrchestrator.Playbooks.Model.InputValues.TryReadNumber(text, out var n) => JsonSerializer.SerializeToElement(n),
            var text => JsonSerializer.SerializeToElement(text),
        }, StringComparer.Ordinal);

    /// <summary>
    /// <c>k=v</c> pairs as text, for a playbook's inputs and a task's outputs: the service reads each by the type the playbook declares for it, so
    /// <c>rows=50000</c> is a number where <c>rows</c> is one, and <c>code=007</c> stays <c>007</c> where <c>code</c> is text.
    /// </summary>
    public static Dictionary<string, JsonElement> Texts(IEnumerable<string>? pairs, string option) =>
        Split(pairs, option).ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value), StringComparer.Ordinal);

    private static Dictionary<string, string> Split(IEnumerable<string>? pairs, string option)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var at = pair.IndexOf('=');
            if (at <= 0) throw new CliException(ExitCodes.Usage, $"{option} takes key=value; '{pair}' has no '='.");
            values[pair[..at]] = pair[(at + 1)..];
        }
        return values;
    }
}

/// <summary>What a token says about its holder (read locally; the service is what checks it).</summary>
public static class Jwt
{
    public sealed record Who(string Subject, string Name, IReadOnlyList<string> Roles, DateTimeOffset? Expires);

    public static Who Claims(string token)
    {
        var parts = token.Trim().Split('.');
        if (parts.Length < 2) throw new CliException(ExitCodes.Usage, "That is not a JWT.");
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        var claims = JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement;
        string? Text(string name) => claims.TryGetProperty(name, out var v) ? v.ToString() : null;
        var roles = claims.TryGetProperty("role", out var r)
            ? r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().Select(x => x.GetString()!).ToList() : [r.GetString()!]
            : new List<string>();
        var expires = claims.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        return new Who(Text("sub") ?? "?", Text("name") ?? Text("sub") ?? "?", roles, expires);
    }
}

/// <summary>
/// Recomputes an export's hash chain offline, from the canonical form the export states: each link is
/// <c>sha256(previousHash \n seqId \n incidentId \n sequence \n type \n timestamp \n data)</c>, the first previous hash 64 zeros.
/// </summary>
public static class ChainCheck
{
    public static JsonElement Verify(JsonElement export)
    {
        var incident = export.GetProperty("incident").GetProperty("id").GetString()!;
        var links = export.GetProperty("chain").GetProperty("links").EnumerateArray().ToList();
        var previous = new string('0', 64);
        long expected = 1;
        foreach (var link in links)
        {
            var sequence = link.GetProperty("sequence").GetInt64();
            string? broken = link.GetProperty("data").ValueKind != JsonValueKind.String ? "the export is redacted: it has no hashed text to recompute"
                : sequence != expected ? "an event is missing at this position"
                : link.GetProperty("previousHash").GetString() != previous ? "the link does not follow the previous event"
                : null;
            if (broken is null)
            {
                var canonical = string.Join('\n', previous, link.GetProperty("seqId").GetInt64(), incident, sequence, link.GetProperty("type").GetString(),
                    link.GetProperty("timestamp").GetDateTime().ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"), link.GetProperty("data").GetString());
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
                if (hash != link.GetProperty("hash").GetString()) broken = "the event's content differs from what was linked";
                else previous = hash;
            }
            if (broken is not null)
                return JsonSerializer.SerializeToElement(new { valid = false, events = links.Count, firstBrokenSequence = sequence, reason = broken, headHash = (string?)null });
            expected++;
        }
        return JsonSerializer.SerializeToElement(new { valid = true, events = links.Count, firstBrokenSequence = (long?)null, reason = (string?)null, headHash = previous });
    }
}
