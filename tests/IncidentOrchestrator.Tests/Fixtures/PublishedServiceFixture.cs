using System.Net.Http.Headers;
using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// The published service as <c>ops/run</c> and the container start it — its own process behind Kestrel, on a real port and
/// a fresh database — for what the in-process host cannot show: Kestrel's rules (no synchronous writes, limits, headers),
/// responses written by hand or streamed, and a fuzzer's requests. Its log is read for error lines.
/// </summary>
public sealed class PublishedServiceFixture : IAsyncLifetime
{
    public const string SlackSecret = "published-slack-signing-secret";
    public const string SlackUser = "U0PUBLISHED";

    private ServiceProcess? _service;

    public string Url => _service!.Url;
    public string Log => _service?.Log ?? "";

    /// <summary>Every role at once, so that a request reaches the deepest code an endpoint has.</summary>
    public static readonly string Everything = Tokens.For("ada.admin", Roles.Admin, Roles.Commander, Roles.Ingest, Roles.Responder, Roles.Leadership, Roles.Privacy);

    public async Task InitializeAsync()
    {
        var folder = await PublishedBuild.FolderAsync();
        _service = ServiceProcess.Start("published", folder, LocalPostgresCluster.FreePort(), new Dictionary<string, string>
        {
            ["ConnectionStrings__Incidents"] = await TestDatabase.CreateDatabaseAsync("published"),
            ["Auth__SigningKey"] = Tokens.SigningKey, ["Playbooks__Path"] = AppFixture.RepositoryPlaybooks,
            ["Playbooks__Watch"] = "false", ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Logging__LogLevel__Default"] = "Warning",
            ["RateLimits__Api__PermitLimit"] = "1000000", ["RateLimits__Signals__PermitLimit"] = "1000000",
            ["Integrations__Slack__SigningSecret"] = SlackSecret, [$"Integrations__Slack__Users__{SlackUser}__Subject"] = "ada.admin",
            [$"Integrations__Slack__Users__{SlackUser}__Roles__0"] = Roles.Commander,
        });
        await _service.WaitReadyAsync(TimeSpan.FromSeconds(90));
    }

    public HttpClient Client(string? token = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>
    /// The lines the service logged at error level or above since <paramref name="from"/>, once everything logged before
    /// the call has been read: a request whose refusal logs a marker is sent, and its line awaited.
    /// </summary>
    public async Task<IReadOnlyList<string>> ErrorsAsync(int from)
    {
        var marker = $"marker{Guid.NewGuid():N}";
        using var http = Client(Everything);
        using var _ = await http.GetAsync($"/api/incidents?{marker}=%00");
        for (var tries = 0; tries < 100 && !Log.Contains(marker); tries++) await Task.Delay(50);
        if (!Log.Contains(marker)) throw new TimeoutException($"The service's log never showed {marker}");
        return Errors(from);
    }

    private IReadOnlyList<string> Errors(int from)
    {
        var log = Log; // one reading: the service goes on writing
        var lines = log[Math.Min(from, log.Length)..].Split('\n');
        return lines.Select((line, i) => (line, i)).Where(l => l.line.StartsWith("fail:") || l.line.StartsWith("crit:"))
            .Select(l => string.Join('\n', lines.Skip(l.i).Take(8))).ToList();
    }

    public async Task DisposeAsync()
    {
        IReadOnlyList<string> differences = _service is { HasExited: false } ? await RecordedRunsReplay.OrWhyNotAsync(() => RecordedRunsReplay.DifferencesAsync(Url))
            : _service is null ? [] : ["the service had exited before its runs could be replayed"];
        if (_service is not null) await _service.DisposeAsync();
        RecordedRunsReplay.ThrowIfAny(differences);
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedServiceCollection : ICollectionFixture<PublishedServiceFixture>
{
    public const string Name = "published service";
}
