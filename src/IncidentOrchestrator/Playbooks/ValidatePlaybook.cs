using System.Text;
using IncidentOrchestrator.Playbooks.Yaml;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Playbooks;

public sealed record ValidationErrorView(int Line, int Column, string Code, string Message)
{
    public static ValidationErrorView Of(PlaybookError e) => new(e.Line, e.Column, e.Code, e.Message);
}

public sealed record ValidationResult(bool Valid, IReadOnlyList<ValidationErrorView> Errors);

/// <summary>
/// Validates a playbook text as if it joined the loaded set (so its sub-playbooks are checked too).
/// Nothing is loaded or stored.
/// </summary>
public static class ValidatePlaybookEndpoint
{
    private static readonly string[] YamlTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"];

    [WolverinePost("/api/playbooks/validate"), Authorize(Roles = Roles.PlaybookAuthors)]
    public static async Task<IResult> Post(HttpRequest request, PlaybookCatalog catalog, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is null || !YamlTypes.Contains(mediaType))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the playbook as YAML",
                detail: "The body is the playbook text, with Content-Type: application/yaml.");

        var text = await ReadBoundedAsync(request, ReaderLimits.Default.MaxBytes + 1, ct);
        var errors = Check(text, catalog);
        var result = new ValidationResult(errors.Count == 0, errors);
        return errors.Count == 0 ? TypedResults.Ok(result) : TypedResults.Json(result, statusCode: StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>Every error of a playbook text, as if it joined the loaded set; none when it would load.</summary>
    public static IReadOnlyList<ValidationErrorView> Check(string text, PlaybookCatalog catalog) =>
        catalog.Library.Validate(new PlaybookSource("playbook.yaml", text), catalog.Actions).Select(ValidationErrorView.Of).ToList();

    /// <summary>Reads at most <paramref name="max"/> bytes; a longer body is cut there and then rejected as too large.</summary>
    private static async Task<string> ReadBoundedAsync(HttpRequest request, int max, CancellationToken ct)
    {
        var buffer = new byte[Math.Min(max, (int?)request.ContentLength ?? max)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await request.Body.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
