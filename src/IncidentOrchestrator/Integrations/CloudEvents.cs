using System.Security.Claims;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Signals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace IncidentOrchestrator.Integrations;

/// <summary>The answer for one CloudEvent: its signal, or, for a retry of an event already taken, that first answer again.</summary>
public sealed record CloudEventAccepted(string Id, string Source, Guid SignalId, Guid IncidentId, bool Correlated, bool Duplicate,
    IReadOnlyList<Guid> RunIds);

/// <summary>
/// <c>POST /api/signals/cloudevents</c>: CloudEvents 1.0 in structured mode (<c>application/cloudevents+json</c>), batched
/// (<c>application/cloudevents-batch+json</c>) or binary mode (<c>ce-*</c> headers, the body is the data). <c>type</c> and
/// <c>source</c> are the signal's; the fingerprint is the <c>fingerprint</c> extension, else <c>data.fingerprint</c>, else
/// <c>subject</c>; the severity is the <c>severity</c> extension, else <c>data.severity</c>, else the configured default.
/// A retry of an event (same source and id) is answered as before and stores nothing.
/// </summary>
public static class CloudEventsEndpoint
{
    public const string Structured = "application/cloudevents+json";
    public const string Batch = "application/cloudevents-batch+json";

    [WolverinePost("/api/signals/cloudevents"), Authorize(Roles = Roles.SignalSenders), EnableRateLimiting(RateLimits.Signals)]
    public static async Task<IResult> Post(HttpRequest request, SignalIntake intake, IntegrationOptions options, IntakeOptions limits,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var binary = mediaType is not (Structured or Batch);
        if (binary && !request.Headers.ContainsKey("ce-specversion"))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send a CloudEvent",
                detail: $"Structured mode takes {Structured}, a batch {Batch}; binary mode needs the ce-specversion, ce-id, ce-source and ce-type headers.");

        // Binary mode carries any data; only JSON data is read as JSON (its fields can give the fingerprint and severity).
        JsonDocument? document = null;
        JsonElement? textData = null;
        try
        {
            if (!binary || mediaType is not null && (mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal)))
                document = request.ContentLength == 0 ? null : await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            else if (request.ContentLength != 0)
                textData = JsonSerializer.SerializeToElement(await new StreamReader(request.Body).ReadToEndAsync(ct));
        }
        catch (JsonException e)
        {
            return Invalid("$", $"The body is not JSON: {e.Message}");
        }

        using (document)
        {
            var validation = new Problems.Validation();
            var events = new List<CloudEvent>();
            switch (mediaType)
            {
                case Structured when document?.RootElement.ValueKind == JsonValueKind.Object:
                    events.Add(CloudEvent.FromStructured(document.RootElement, "", validation));
                    break;
                case Batch when document?.RootElement.ValueKind == JsonValueKind.Array:
                    var count = document.RootElement.GetArrayLength();
                    validation.Require(count > 0, "$", "The batch is empty.")
                        .Require(count <= limits.MaxBatchSize, "$", $"A batch holds at most {limits.MaxBatchSize} events; this one has {count}.");
                    var index = 0;
                    foreach (var element in document.RootElement.EnumerateArray())
                        events.Add(CloudEvent.FromStructured(element, $"[{index++}].", validation));
                    break;
                case Structured or Batch:
                    validation.Add("$", mediaType == Batch ? "A batch is a JSON array of events." : "A structured event is a JSON object.");
                    break;
                default:
                    events.Add(CloudEvent.FromBinary(request.Headers, document?.RootElement ?? textData, validation));
                    break;
            }

            var signals = new List<SubmitSignal>(events.Count);
            for (var i = 0; i < events.Count && !validation.HasErrors; i++)
            {
                var prefix = mediaType == Batch ? $"[{i}]." : "";
                var signal = events[i].ToSignal(options.CloudEvents, prefix, validation);
                if (signal is not null) SignalRules.Check(signal, prefix, validation);
                signals.Add(signal!);
            }
            if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("The CloudEvent is not valid; nothing was stored"));

            var ingested = await intake.IngestOnceAsync(signals, events.Select(e => e.ReceiptKey).ToList(), user.Caller(), ct);
            var answers = events.Zip(ingested, (e, d) => new CloudEventAccepted(e.Id!, e.Source!, d.Accepted.SignalId, d.Accepted.IncidentId,
                d.Accepted.Correlated, d.Duplicate, d.Accepted.RunIds)).ToList();
            return mediaType == Batch ? TypedResults.Accepted((string?)null, answers)
                : TypedResults.Accepted($"/api/incidents/{answers[0].IncidentId}", answers[0]);
        }
    }

    private static IResult Invalid(string field, string message) =>
        TypedResults.Problem(new Problems.Validation().Add(field, message).ToProblem("The CloudEvent is not valid; nothing was stored"));
}

/// <summary>The context attributes we use from one CloudEvent, and its data.</summary>
public sealed record CloudEvent(string? SpecVersion, string? Id, string? Source, string? Type, string? Subject, DateTimeOffset? Time,
    IReadOnlyDictionary<string, string> Extensions, JsonElement? Data, string Prefix)
{
    private static readonly HashSet<string> ContextAttributes =
        ["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data", "data_base64"];

    public string ReceiptKey => $"cloudevents:{Source}\n{Id}";

    public static CloudEvent FromStructured(JsonElement element, string prefix, Problems.Validation validation)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            validation.Add(prefix.TrimEnd('.') is { Length: > 0 } p ? p : "$", "An event is a JSON object.");
            return new CloudEvent(null, null, null, null, null, null, new Dictionary<string, string>(), null, prefix);
        }
        string? Text(string name) => element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var extensions = element.EnumerateObject()
            .Where(p => !ContextAttributes.Contains(p.Name) && p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
        var time = Text("time");
        if (time is not null && !DateTimeOffset.TryParse(time, out _)) validation.Add($"{prefix}time", "An RFC 3339 timestamp.");
        return new CloudEvent(Text("specversion"), Text("id"), Text("source"), Text("type"), Text("subject"),
            time is not null && DateTimeOffset.TryParse(time, out var at) ? at : null, extensions,
            element.TryGetProperty("data", out var data) ? data.Clone() : null, prefix);
    }

    public static CloudEvent FromBinary(IHeaderDictionary headers, JsonElement? body, Problems.Validation validation)
    {
        string? Header(string name) => headers.TryGetValue("ce-" + name, out var v) ? v.ToString() : null;
        var extensions = headers.Where(h => h.Key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key[3..].ToLowerInvariant(), Value: h.Value.ToString()))
            .Where(h => !ContextAttributes.Contains(h.Name))
            .ToDictionary(h => h.Name, h => Uri.UnescapeDataString(h.Value), StringComparer.Ordinal);
        var time = Header("time");
        if (time is not null && !DateTimeOffset.TryParse(time, out _)) validation.Add("ce-time", "An RFC 3339 timestamp.");
        return new CloudEvent(Header("specversion"), Header("id"), Header("source"), Header("type"), Header("subject"),
            time is not null && DateTimeOffset.TryParse(time, out var at) ? at : null, extensions, body?.Clone(), "ce-");
    }

    /// <summary>The signal this event makes, or null with the problems named after the attribute that lacks.</summary>
    public SubmitSignal? ToSignal(CloudEventsOptions options, string prefix, Problems.Validation validation)
    {
        var binary = Prefix == "ce-";
        string Field(string name) => binary ? "ce-" + name : prefix + name;
        validation.Require(SpecVersion == "1.0", Field("specversion"), $"Only CloudEvents 1.0 is understood; this is '{SpecVersion}'.");
        validation.Require(!string.IsNullOrWhiteSpace(Id), Field("id"), "Required.");
        validation.Require(!string.IsNullOrWhiteSpace(Source), Field("source"), "Required.");
        validation.Require(!string.IsNullOrWhiteSpace(Type), Field("type"), "Required.");

        var data = Data is { ValueKind: JsonValueKind.Object } d ? d : (JsonElement?)null;
        string? DataText(string name) => data?.TryGetProperty(name, out var v) == true && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var fingerprint = Extensions.GetValueOrDefault("fingerprint") ?? DataText("fingerprint") ?? Subject;
        if (string.IsNullOrWhiteSpace(fingerprint))
            validation.Add(Field("subject"), "No fingerprint: give the event a fingerprint extension, data.fingerprint or a subject.");
        var severityWord = Extensions.GetValueOrDefault("severity") ?? DataText("severity");
        var severity = SeverityWords.Of(severityWord) ?? options.DefaultSeverity;
        if (severity is null)
            validation.Add(severityWord is null ? Field("severity") : (Extensions.ContainsKey("severity") ? Field("severity") : $"{prefix}data.severity"),
                severityWord is null
                    ? "No severity: give the event a severity extension or data.severity, or configure Integrations__CloudEvents__DefaultSeverity."
                    : $"'{severityWord}' is not a severity (low, medium, high, critical, or info, warning, error).");
        if (validation.HasErrors) return null;

        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["cloudevents.id"] = JsonSerializer.SerializeToElement(Id),
            ["cloudevents.source"] = JsonSerializer.SerializeToElement(Source),
        };
        if (Subject is not null) attributes["cloudevents.subject"] = JsonSerializer.SerializeToElement(Subject);
        if (Data is { } body) attributes["data"] = body;
        var title = DataText("title") ?? DataText("summary") ?? $"{Type} from {Source}";
        return new SubmitSignal(Source, Type, severity, fingerprint, title.Length <= SignalRules.MaxTextLength ? title : title[..SignalRules.MaxTextLength],
            Time, attributes);
    }
}
