// What a team's automation writes with a client Kiota generated from the service's OpenAPI document:
// send a signal, read the incident it opened, and get a typed problem back for an incident that is not there.
// Usage: IncidentOrchestrator.GeneratedClient URL TOKEN
using Generated.Incidents;
using Generated.Incidents.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

var (url, token) = (args[0], args[1]);
var client = new IncidentsApiClient(new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new StaticToken(token))) { BaseUrl = url });

var accepted = await client.Api.Signals.PostAsync(new SubmitSignal
{
    Source = "generated-client", Type = "scanner.finding", Severity = Severity.High,
    Fingerprint = $"generated:{Guid.NewGuid():N}", Title = "Found through a generated client",
});
var incident = await client.Api.Incidents[accepted!.IncidentId!.Value].GetAsync();
Console.WriteLine($"opened {incident!.Id} | {incident.Title} | {incident.Severity} | signals {incident.SignalCount}");

try
{
    await client.Api.Incidents[Guid.NewGuid()].GetAsync();
    Console.WriteLine("an unknown incident was found");
}
catch (Problem problem)
{
    Console.WriteLine($"refused {problem.ResponseStatusCode} | {problem.Title}");
}

sealed class StaticToken(string token) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default) => Task.FromResult(token);
}
