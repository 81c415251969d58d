using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace IncidentOrchestrator.Hosting;

/// <summary>
/// Marks an endpoint that must read its body untouched (a signed body is verified byte for byte before anything
/// interprets it); it checks its own text with <see cref="IncomingText"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadsItsOwnBodyAttribute : Attribute;

/// <summary>How a door other than the API shows a refusal (the console: a page); the API answers problem details.</summary>
public interface IRefusalPage
{
    bool Serves(HttpContext context);
    Task WriteAsync(HttpContext context, IncomingText.Refusal refusal);
}

/// <summary>
/// The door every request passes before an endpoint sees it. Text PostgreSQL cannot store (a NUL character) is refused
/// wherever it comes in — the path and route values, the query, headers, form fields, any string or property name of a
/// JSON body, any other body — and a JSON body that is broken, or does not fit the endpoint's request type, is refused
/// before the endpoint runs. Each refusal is a 400 naming the field, logged as one warning line: a client's mistake is
/// not an error of the service (Wolverine logs a body it cannot read as an error with its stack trace; here it never
/// gets one).
/// </summary>
public sealed class IncomingText(RequestDelegate next, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IEnumerable<IRefusalPage> pages,
    ILogger<IncomingText> logger)
{
    public sealed record Refusal(string Field, string Message, string Title = "The request is not valid")
    {
        public ProblemDetails ToProblem() => new Problems.Validation().Add(Field, Message).ToProblem(Title);
    }

    /// <summary>The name of a whole body in field errors, as the endpoints name it.</summary>
    public const string Body = "$";

    public const string NulMessage = "Contains a NUL character (U+0000), which cannot be stored.";
    private const string InvalidJson = "Invalid JSON format";

    public async Task InvokeAsync(HttpContext context)
    {
        var refusal = InAddress(context.Request) ?? InHeaders(context.Request) ?? await InBodyAsync(context);
        if (refusal is null)
        {
            await next(context);
            return;
        }
        logger.LogWarning("Refused {Method} {Path}: {Field}: {Message}", context.Request.Method, Printable(context.Request.Path.ToString()),
            Printable(refusal.Field), refusal.Message);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        if (pages.FirstOrDefault(p => p.Serves(context)) is { } page) await page.WriteAsync(context, refusal);
        else await TypedResults.Problem(refusal.ToProblem()).ExecuteAsync(context);
    }

    /// <summary>What a client sent, fit for one log line: no control characters, not endless.</summary>
    private static string Printable(string text) =>
        new([.. text.Take(200).Select(c => char.IsControl(c) ? '?' : c).Concat(text.Length > 200 ? "…" : "")]);

    private static Refusal? InAddress(HttpRequest request)
    {
        foreach (var (name, value) in request.RouteValues)
            if (value is string text && text.Contains('\0')) return new Refusal(name, NulMessage);
        if (request.Path.Value?.Contains('\0') == true) return new Refusal("path", NulMessage);
        foreach (var (name, values) in request.Query)
        {
            if (name.Contains('\0')) return new Refusal("query", NulMessage);
            foreach (var value in values)
                if (value?.Contains('\0') == true) return new Refusal(name, NulMessage);
        }
        return null;
    }

    private static Refusal? InHeaders(HttpRequest request)
    {
        foreach (var (name, values) in request.Headers)
            foreach (var value in values)
                if (value?.Contains('\0') == true) return new Refusal(name, NulMessage);
        return null;
    }

    private async Task<Refusal?> InBodyAsync(HttpContext context)
    {
        var request = context.Request;
        var endpoint = context.GetEndpoint();
        // Nothing will read the body of a request no endpoint takes, and a signed body is the endpoint's to read.
        if (endpoint is null || endpoint.Metadata.GetMetadata<ReadsItsOwnBodyAttribute>() is not null) return null;
        if (request.HasFormContentType) return await InFormAsync(context);
        var type = endpoint.Metadata.GetMetadata<HttpChain>()?.RequestType is { } requestType && requestType != typeof(void) ? requestType : null;
        // The server knows whether a request can carry a body (a length, chunks, or an HTTP/2 data stream).
        if (request.ContentLength == 0 || context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
            return type is not null && request.HasJsonContentType() ? new Refusal(Body, Problems.MissingBody().Detail!) : null;

        var body = await BufferAsync(request, context.RequestAborted);
        if (!request.HasJsonContentType())
            return body.Span.IndexOf((byte)0) >= 0 ? new Refusal(Body, NulMessage) : null;
        var text = body.Span.StartsWith("\uFEFF"u8) ? body.Span[3..] : body.Span; // a UTF-8 BOM, as some writers put first
        if (text.Length == 0) return type is null ? null : new Refusal(Body, Problems.MissingBody().Detail!);
        if (Json(text, json.Value.SerializerOptions.MaxDepth) is { } refusal) return refusal;
        if (type is null) return null;
        try
        {
            // The endpoint's own reading then cannot fail, so nothing a client sends reaches Wolverine's error log.
            JsonSerializer.Deserialize(text, type, json.Value.SerializerOptions);
            return null;
        }
        catch (JsonException e)
        {
            return Unfit(e);
        }
    }

    private static async Task<Refusal?> InFormAsync(HttpContext context)
    {
        IFormCollection form;
        var request = context.Request;
        request.EnableBuffering();
        try
        {
            form = await request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            // ASP.NET refuses a form with a NUL without saying where: find the field it is in, to name it.
            if (request.Body.CanSeek && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            {
                request.Body.Position = 0;
                var fields = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted));
                if (fields.FirstOrDefault(f => f.Key.Contains('\0') || f.Value.Any(v => v?.Contains('\0') == true)) is { Key: not null } field)
                    return new Refusal(field.Key.Replace('\0', '?'), NulMessage);
            }
            return new Refusal(Body, $"Not a readable form: {e.Message}");
        }
        foreach (var (name, values) in form)
            foreach (var value in values)
                if (name.Contains('\0') || value?.Contains('\0') == true) return new Refusal(name.Replace('\0', '?'), NulMessage);
        return null;
    }

    /// <summary>
    /// Reads the body into one buffer (its declared length when it has one, within the configured limit, which Kestrel
    /// enforces while it is read) and puts it back for the endpoint to read.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>> BufferAsync(HttpRequest request, CancellationToken ct)
    {
        // Sized by what arrives, at most 64 KiB ahead: a declared length is only a claim until the bytes come.
        var buffer = new MemoryStream((int)Math.Clamp(request.ContentLength ?? 4096, 0, 64 * 1024));
        await request.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        request.Body = new MemoryStream(buffer.GetBuffer(), 0, (int)buffer.Length, writable: false);
        return bytes;
    }

    /// <summary>
    /// Reads a JSON text through once: broken JSON is refused with its line and position, a NUL in any string or property
    /// name with the path of the value that holds it (<c>signals[3].title</c>).
    /// </summary>
    public static Refusal? Json(ReadOnlySpan<byte> json, int maxDepth = 64)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth is > 0 ? maxDepth : 64 });
        var path = new List<Segment>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        path[^1] = path[^1] with { Property = reader.GetString() };
                        if (reader.ValueIsEscaped && path[^1].Property!.Contains('\0')) return new Refusal(Describe(path).Replace('\0', '?'), NulMessage);
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        continue;
                }
                if (path.Count > 0 && path[^1].IsArray) path[^1] = path[^1] with { Index = path[^1].Index + 1 };
                if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && reader.GetString()!.Contains('\0'))
                    return new Refusal(Describe(path), NulMessage);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    path.Add(new Segment(reader.TokenType == JsonTokenType.StartArray, -1, null));
            }
            return null;
        }
        catch (JsonException e)
        {
            return new Refusal(Body, $"Not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message.Split(" LineNumber:")[0].TrimEnd(' ', '|')}",
                InvalidJson);
        }
    }

    private sealed record Segment(bool IsArray, int Index, string? Property);

    private static string Describe(List<Segment> path)
    {
        var text = new System.Text.StringBuilder();
        foreach (var segment in path)
        {
            if (segment.IsArray) text.Append('[').Append(segment.Index).Append(']');
            else if (segment.Property is not null) text.Append(text.Length > 0 ? "." : "").Append(segment.Property);
        }
        return text.Length == 0 ? Body : text.ToString();
    }

    /// <summary>
    /// An optional JSON body an endpoint reads itself (the door has checked its syntax and text): none when the request
    /// has no JSON body, a 400 naming the field when it does not fit <typeparamref name="T"/>.
    /// </summary>
    public static async Task<(T? Value, IResult? Refused)> OptionalJsonAsync<T>(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType() || request.ContentLength == 0) return (default, null);
        try
        {
            return (await request.ReadFromJsonAsync<T>(ct), null);
        }
        catch (JsonException e)
        {
            return (default, TypedResults.Problem(Unfit(e).ToProblem()));
        }
    }

    /// <summary>Why a JSON body does not fit its type, in the API's words (never a .NET type's name).</summary>
    private static Refusal Unfit(JsonException e)
    {
        var message = e.Message.Split(" Path: ")[0];
        if (message.Contains("could not be mapped to any .NET member"))
            return new Refusal(Field(e.Path), "Not a field of this request.", InvalidJson);
        if (message.Contains("missing required properties including: ") && message.Split("including: ")[1].Split('\'') is [_, var name, ..])
            return new Refusal(Field(e.Path) is Body ? name : $"{Field(e.Path)}.{name}", "Required.", InvalidJson);
        if (message.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
            return new Refusal(Field(e.Path), "The value is not of the type this field takes.", InvalidJson);
        return new Refusal(Field(e.Path), "The value does not fit this request.", InvalidJson);
    }

    /// <summary><c>$.inputs.rows</c> → <c>inputs.rows</c>, <c>$[1].type</c> → <c>[1].type</c>, <c>$</c> → <c>$</c>.</summary>
    private static string Field(string? path) =>
        path is null or "$" ? Body : path.StartsWith("$.") ? path[2..] : path.TrimStart('$');
}
