using System.Text.Json;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace IncidentOrchestrator.Hosting;

/// <summary>
/// Marks an endpoint that must read its body untouched (a signed body is verified byte for byte before anything
/// interprets it); it checks its own text with <see cref="IncomingText"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadsItsOwnBodyAttribute : Attribute;

/// <summary>
/// The door every request passes before an endpoint sees it. Text PostgreSQL cannot store (a NUL character) is refused
/// wherever it comes in — the path and route values, the query, headers, form fields, any string or property name of a
/// JSON body — and a JSON body that is broken, or does not fit the endpoint's request type, is refused before the
/// endpoint runs. Each refusal is a 400 naming the field, logged as one warning line: a client's mistake is not an error
/// of the service (Wolverine logs a body it cannot read as an error with its stack trace; here it never gets one).
/// </summary>
public sealed class IncomingText(RequestDelegate next, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ILogger<IncomingText> logger)
{
    public sealed record Refusal(string Field, string Message, string Title = "The request is not valid");

    private const string InvalidJson = "Invalid JSON format";

    public async Task InvokeAsync(HttpContext context)
    {
        var refusal = InAddress(context.Request) ?? InHeaders(context.Request) ?? await InBodyAsync(context);
        if (refusal is null)
        {
            await next(context);
            return;
        }
        logger.LogWarning("Refused {Method} {Path}: {Field}: {Message}", context.Request.Method, context.Request.Path.ToString().Replace('\0', '?'),
            refusal.Field, refusal.Message);
        var problem = new Problems.Validation().Add(refusal.Field, refusal.Message).ToProblem(refusal.Title);
        await TypedResults.Problem(problem).ExecuteAsync(context);
    }

    public const string NulMessage = "Contains a NUL character (U+0000), which cannot be stored.";

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
        if (endpoint?.Metadata.GetMetadata<ReadsItsOwnBodyAttribute>() is not null) return null;
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(context.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
            {
                return new Refusal("body", $"Not a readable form: {e.Message}");
            }
            foreach (var (name, values) in form)
                foreach (var value in values)
                    if (name.Contains('\0') || value?.Contains('\0') == true) return new Refusal(name.Replace('\0', '?'), NulMessage);
            return null;
        }
        if (!request.HasJsonContentType()) return null;

        var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        request.Body = new MemoryStream(buffer.GetBuffer(), 0, (int)buffer.Length, writable: false);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var type = endpoint?.Metadata.GetMetadata<HttpChain>()?.RequestType is { } requestType && requestType != typeof(void) ? requestType : null;
        if (body.Length == 0) return type is null ? null : new Refusal("body", Problems.MissingBody().Detail!);
        if (Json(body.Span) is { } refusal) return refusal;
        if (type is null) return null;
        try
        {
            JsonSerializer.Deserialize(body.Span, type, json.Value.SerializerOptions);
            return null;
        }
        catch (JsonException e)
        {
            return Unfit(e);
        }
    }

    /// <summary>
    /// Reads a JSON text through once: broken JSON is refused with its line and position, a NUL in any string or property
    /// name with the path of the value that holds it (<c>signals[3].title</c>).
    /// </summary>
    public static Refusal? Json(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
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
            return new Refusal("body", $"Not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message.Split(" LineNumber:")[0].TrimEnd(' ', '|')}",
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
        return text.Length == 0 ? "body" : text.ToString();
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
            var refusal = Unfit(e);
            return (default, TypedResults.Problem(new Problems.Validation().Add(refusal.Field, refusal.Message).ToProblem(refusal.Title)));
        }
    }

    private static Refusal Unfit(JsonException e)
    {
        var message = e.Message.Split(" Path: ")[0];
        if (message.Contains("could not be mapped to any .NET member"))
            return new Refusal(Field(e.Path), "Not a field of this request.", InvalidJson);
        if (message.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
            return new Refusal(Field(e.Path), "The value is not of the type this field takes.", InvalidJson);
        return new Refusal(Field(e.Path), message, InvalidJson);
    }

    /// <summary><c>$.inputs.rows</c> → <c>inputs.rows</c>, <c>$[1].type</c> → <c>[1].type</c>, <c>$</c> → <c>body</c>.</summary>
    private static string Field(string? path) =>
        path is null or "$" ? "body" : path.StartsWith("$.") ? path[2..] : path.TrimStart('$');
}
