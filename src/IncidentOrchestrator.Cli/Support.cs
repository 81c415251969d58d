using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

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
    /// <c>k=v</c> pairs as text, for a playbook's inputs, a task's outputs and a signal's attributes (which become the inputs of the
    /// playbooks it starts): the service reads each by the type the playbook declares for it, so <c>rows=50000</c> is a number where
    /// <c>rows</c> is one, and <c>code=007</c> stays <c>007</c> where <c>code</c> is text. The CLI guesses no types.
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
        JsonWebToken jwt;
        try { jwt = new JsonWebToken(token.Trim()); }
        catch (ArgumentException) { throw new CliException(ExitCodes.Usage, "That is not a JWT."); }
        var subject = jwt.TryGetPayloadValue<string>(TokenClaims.Subject, out var sub) ? sub : "?";
        var name = jwt.TryGetPayloadValue<string>(TokenClaims.Name, out var n) ? n : subject;
        var roles = jwt.Claims.Where(c => c.Type == TokenClaims.Role).Select(c => c.Value).ToList();
        return new Who(subject, name, roles, jwt.ValidTo == DateTime.MinValue ? null : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }
}
