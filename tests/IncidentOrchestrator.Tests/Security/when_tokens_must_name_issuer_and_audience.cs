using Alba;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Security;

/// <summary>With an issuer and audience configured, tokens must carry both; a token not yet valid is refused too.</summary>
public sealed class when_tokens_must_name_issuer_and_audience(when_tokens_must_name_issuer_and_audience.IssuerHost fixture)
    : IClassFixture<when_tokens_must_name_issuer_and_audience.IssuerHost>
{
    private const string Issuer = "https://idp.example.internal";
    private const string Audience = "incident-orchestrator";
    private readonly IAlbaHost _host = fixture.Host;

    public sealed class IssuerHost : IAsyncLifetime
    {
        public IAlbaHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await AppFixture.StartHostAsync(await TestDatabase.CreateDatabaseAsync("tokens"),
            settings: new Dictionary<string, string> { ["Auth:Issuer"] = Issuer, ["Auth:Audience"] = Audience });

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    private static string Token(string? issuer, string? audience, DateTimeOffset? now = null) =>
        new TokenIssuer(new AuthOptions { SigningKey = Tokens.SigningKey, Issuer = issuer, Audience = audience })
            .Issue("cora.commander", "Cora", [Roles.Commander], TimeSpan.FromHours(1), now);

    [Fact]
    public async Task a_token_with_the_right_issuer_and_audience_is_accepted()
    {
        await _host.Send(HttpMethod.Get, "/api/incidents", Token(Issuer, Audience));
    }

    [Theory]
    [InlineData("https://someone-else.example", Audience)]
    [InlineData(Issuer, "another-service")]
    [InlineData(null, Audience)]
    [InlineData(Issuer, null)]
    public async Task a_token_from_another_issuer_or_for_another_audience_gets_401(string? issuer, string? audience)
    {
        await _host.Send(HttpMethod.Get, "/api/incidents", Token(issuer, audience), expect: 401);
    }

    [Fact]
    public async Task a_token_not_yet_valid_gets_401()
    {
        await _host.Send(HttpMethod.Get, "/api/incidents", Token(Issuer, Audience, DateTimeOffset.UtcNow.AddHours(2)), expect: 401);
    }
}
