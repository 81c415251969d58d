using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace IncidentOrchestrator.Cli;

/// <summary>The HTTP API as the CLI uses it: JSON in and out, problem details turned into a message and an exit code.</summary>
public sealed class ApiClient(HttpClient http, string baseUrl)
{
    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    public async Task<JsonElement> GetAsync(string path, CancellationToken ct) => (await SendAsync(HttpMethod.Get, path, null, ct)).Body;

    /// <summary>One page of a list, and the path of the next page from the <c>Link</c> header (null at the end).</summary>
    public async Task<(JsonElement Body, string? Next)> GetPageAsync(string path, CancellationToken ct)
    {
        var (body, response) = await SendAsync(HttpMethod.Get, path, null, ct);
        var link = response.Headers.TryGetValues("Link", out var values) ? values.FirstOrDefault() : null;
        var next = link is { } l && l.Contains("rel=\"next\"") ? l[(l.IndexOf('<') + 1)..l.IndexOf('>')] : null;
        return (body, next);
    }

    /// <summary>
    /// A server-sent event stream, followed until <paramref name="ct"/> is cancelled or the service ends it. A dropped
    /// connection is opened again (after a second, with <c>Last-Event-ID</c>) so nothing recorded meanwhile is missed;
    /// a refusal ends it with its exit code.
    /// </summary>
    public async IAsyncEnumerable<SseItem<string>> FollowAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        string? lastId = null;
        var connected = false;
        while (!ct.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, BaseUrl + path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (lastId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastId);
            HttpResponseMessage? response = null;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (HttpRequestException) when (connected)
            {
            }
            catch (HttpRequestException e)
            {
                throw new CliException(ExitCodes.Unreachable, $"Cannot reach {BaseUrl}: {e.Message}");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                yield break;
            }
            if (response is not null)
            {
                using (response)
                {
                    if (!response.IsSuccessStatusCode) throw Refusal(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
                    connected = true;
                    var items = SseParser.Create(await response.Content.ReadAsStreamAsync(ct)).EnumerateAsync(ct).GetAsyncEnumerator(ct);
                    while (true)
                    {
                        bool more;
                        try
                        {
                            more = await items.MoveNextAsync();
                        }
                        catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && ct.IsCancellationRequested))
                        {
                            more = false;
                        }
                        if (!more) break;
                        if (items.Current.EventId is { } id) lastId = id;
                        yield return items.Current;
                    }
                    await items.DisposeAsync();
                }
            }
            if (ct.IsCancellationRequested) yield break;
            try { await Task.Delay(TimeSpan.FromSeconds(1), ct); }
            catch (OperationCanceledException) { yield break; }
        }
    }

    public async Task<JsonElement> PostAsync(string path, object? body, CancellationToken ct) => (await SendAsync(HttpMethod.Post, path, body, ct)).Body;

    public async Task<JsonElement> PutAsync(string path, object? body, CancellationToken ct) => (await SendAsync(HttpMethod.Put, path, body, ct)).Body;

    private async Task<(JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, BaseUrl + path);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json.Options);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Unreachable, $"Cannot reach {BaseUrl}: {e.Message}");
        }
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw Refusal(response.StatusCode, text);
        var json = text.Length == 0 || response.Content.Headers.ContentType?.MediaType?.Contains("json") != true
            ? JsonSerializer.SerializeToElement(text)
            : JsonDocument.Parse(text).RootElement.Clone();
        return (json, response);
    }

    private CliException Refusal(HttpStatusCode status, string text)
    {
        var message = new StringBuilder();
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            message.Append(problem.TryGetProperty("title", out var title) ? title.GetString() : status.ToString());
            if (problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String && !problem.TryGetProperty("errors", out _))
                message.Append(": ").Append(detail.GetString());
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                foreach (var field in errors.EnumerateObject())
                foreach (var error in field.Value.EnumerateArray())
                    message.Append($"\n  {field.Name}: {error.GetString()}");
        }
        catch (JsonException)
        {
            message.Append($"{(int)status} {status}");
        }
        return (int)status switch
        {
            401 => new CliException(ExitCodes.Failure,
                $"Not signed in ({message}). Run: incident login --url {BaseUrl} --token <token>, or set INCIDENT_TOKEN."),
            403 or 404 => new CliException(ExitCodes.NotFoundOrForbidden, message.ToString()),
            409 => new CliException(ExitCodes.Conflict, message.ToString()),
            _ => new CliException(ExitCodes.Failure, message.ToString()),
        };
    }

    public static HttpClient CreateHttp(HttpMessageHandler? handler, string? token)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        if (!string.IsNullOrWhiteSpace(token)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        return http;
    }
}

public static class Json
{
    public static readonly JsonSerializerOptions Options = ApiJson.Options;

    /// <summary>
    /// What <c>-o json</c> and <c>jsonl</c> print: the API's JSON with its text as written (a name with an accent, a time's
    /// <c>+00:00</c>), not escaped as for a web page: it goes to a terminal or a script, never into HTML.
    /// </summary>
    public static readonly JsonSerializerOptions Printed = new(ApiJson.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    public static readonly JsonSerializerOptions Indented = new(Printed) { WriteIndented = true };
}
