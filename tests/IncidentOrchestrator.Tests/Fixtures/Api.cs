using System.Text.Json;
using System.Text.Json.Serialization;
using Alba;
using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>The API as a client sees it: JSON in, status and JSON out, with a real bearer token.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static readonly string Commander = Tokens.For("cora.commander", Roles.Commander);
    public static readonly string Ingest = Tokens.For("acl-scanner", Roles.Ingest);
    public static readonly string Responder = Tokens.For("rui.responder", Roles.Responder);
    public static readonly string Leadership = Tokens.For("lena.leadership", Roles.Leadership);
    public static readonly string Admin = Tokens.For("ada.admin", Roles.Admin);

    public static Task<IScenarioResult> Send(this IAlbaHost host, HttpMethod method, string url, string? token,
        object? body = null, int expect = 200) => host.Scenario(x =>
    {
        if (method == HttpMethod.Get) x.Get.Url(url);
        else (method == HttpMethod.Put ? x.Put : x.Post).RawJson(body as string ?? JsonSerializer.Serialize(body ?? new { }, Json)).ToUrl(url);
        if (token is not null) x.WithBearerToken(token);
        x.StatusCodeShouldBe(expect);
    });

    public static Task<IScenarioResult> Get(this IAlbaHost host, string url, string? token = null, int expect = 200) =>
        host.Send(HttpMethod.Get, url, token ?? Commander, expect: expect);

    public static Task<IScenarioResult> Post(this IAlbaHost host, string url, object? body, string? token = null, int expect = 200) =>
        host.Send(HttpMethod.Post, url, token ?? Commander, body, expect);

    public static Task<IScenarioResult> Put(this IAlbaHost host, string url, object? body, string? token = null, int expect = 200) =>
        host.Send(HttpMethod.Put, url, token ?? Commander, body, expect);

    public static T Read<T>(this IScenarioResult result) =>
        JsonSerializer.Deserialize<T>(result.ReadAsText(), Json) ?? throw new InvalidOperationException("Empty JSON body");

    public static JsonElement ReadJson(this IScenarioResult result) => JsonDocument.Parse(result.ReadAsText()).RootElement;
}

/// <summary>What the contract promises clients, as the tests read it back.</summary>
public sealed record Accepted(Guid SignalId, Guid IncidentId, bool Correlated, Guid[] RunIds);

public sealed record IncidentView(
    Guid Id, string Title, string Severity, string Status, bool Restricted, string Phase, string? Commander,
    DateTimeOffset OpenedAt, DateTimeOffset? ContainedAt, DateTimeOffset? ResolvedAt, int SignalCount, JsonElement Runs);

public sealed record TimelineView(long Sequence, DateTimeOffset At, string Type, string Actor, string Summary, JsonElement Data);

public sealed record ProblemView(string? Title, int Status, string? Detail, Dictionary<string, string[]>? Errors);
