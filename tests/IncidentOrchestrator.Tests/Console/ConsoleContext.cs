using System.Text.Json;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Console;

/// <summary>Browser scenarios share one service and one Chromium; each person gets a context of their own. Setup goes through the API.</summary>
[Collection(ConsoleCollection.Name)]
public abstract class ConsoleContext(ConsoleFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Fixture.CloseContextsAsync();

    protected ConsoleFixture Fixture { get; } = fixture;
    protected string Key { get; } = Guid.NewGuid().ToString("N")[..8];

    protected static readonly string Cora = Tokens.For("cora.commander", Roles.Commander, Roles.Ingest);
    protected static readonly string Rui = Tokens.For("rui.responder", Roles.Responder);
    protected static readonly string Sam = Tokens.For("sam.responder", Roles.Responder);
    protected static readonly string Lena = Tokens.For("lena.leadership", Roles.Leadership);
    protected static readonly string Pia = Tokens.For("pia.privacy", Roles.Privacy);

    protected Task<JsonElement> ApiAsync(HttpMethod method, string path, string token, object? body = null) =>
        ServiceApi.SendAsync(Fixture.Url, method, path, token, body);

    /// <summary>Waits for the open task of a step on an incident, then completes it through the API as <paramref name="token"/>'s holder.</summary>
    protected async Task CompleteTaskAsync(Guid incident, string stepId, string token, object outputs)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var tasks = await ApiAsync(HttpMethod.Get, $"/api/tasks?incident={incident}&status=open,acknowledged&limit=500", Cora);
            if (tasks.EnumerateArray().FirstOrDefault(t => t.GetProperty("stepId").GetString() == stepId) is { ValueKind: JsonValueKind.Object } task)
            {
                await ApiAsync(HttpMethod.Post, $"/api/tasks/{task.GetProperty("taskId").GetGuid()}/complete", token, new { outputs });
                return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No open task for step {stepId} on incident {incident}");
            await Task.Delay(100);
        }
    }

    protected async Task<Guid> DeclaredAsync(string title, bool restricted = false) =>
        (await ApiAsync(HttpMethod.Post, "/api/incidents", Cora, new { title, severity = "high", restricted, summary = "for the console" }))
        .GetProperty("id").GetGuid();
}
