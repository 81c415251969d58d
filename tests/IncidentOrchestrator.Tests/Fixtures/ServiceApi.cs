using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>The API of a service running as a process (browser and several-node scenarios), called as a person's token.</summary>
public static class ServiceApi
{
    public static async Task<JsonElement> SendAsync(string url, HttpMethod method, string path, string token, object? body = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
