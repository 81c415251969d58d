using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// The web console without a browser: a cookie jar signed in through the sign-in form, pages read as HTML, and the forms
/// a page shows (action, fields and their values, the antiforgery token included) — for checks that need many requests.
/// </summary>
public sealed class ConsoleSession : IDisposable
{
    public sealed record Form(string Action, IReadOnlyList<KeyValuePair<string, string>> Fields);

    private static readonly HtmlParser Parser = new();
    private readonly HttpClient _http;

    private ConsoleSession(string url) =>
        _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60),
        };

    public static async Task<ConsoleSession> SignInAsync(string url, string token)
    {
        var session = new ConsoleSession(url);
        var (_, page) = await session.GetAsync("/signin");
        var form = Forms(page).Single(f => f.Action == "/signin");
        var signIn = await session.PostAsync("/signin", [.. form.Fields.Where(f => f.Key != "token"), new("token", token)]);
        if (signIn.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther))
            throw new InvalidOperationException($"Signing in to the console answered {(int)signIn.StatusCode}: {await signIn.Content.ReadAsStringAsync()}");
        return session;
    }

    public async Task<(HttpStatusCode Status, IHtmlDocument Page)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync()));
    }

    public Task<HttpResponseMessage> PostAsync(string action, IEnumerable<KeyValuePair<string, string>> fields) =>
        _http.PostAsync(action, new FormUrlEncodedContent(fields));

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    /// <summary>The POST forms of a page (those without an action post to <paramref name="path"/>), each with the values its fields hold as served.</summary>
    public static IReadOnlyList<Form> Forms(IHtmlDocument page, string path = "") =>
        [.. page.Forms.Where(f => (f.GetAttribute("method") ?? "get").Equals("post", StringComparison.OrdinalIgnoreCase)).Select(f => new Form(
            f.GetAttribute("action") is { Length: > 0 } action ? action : path,
            [.. f.Elements.OfType<IHtmlElement>().Where(e => e.GetAttribute("name") is { Length: > 0 })
                .Select(e => new KeyValuePair<string, string>(e.GetAttribute("name")!, e switch
                {
                    IHtmlSelectElement select => select.Value ?? select.Options.FirstOrDefault()?.Value ?? "",
                    IHtmlTextAreaElement area => area.Value,
                    IHtmlInputElement input => input.Value,
                    _ => e.GetAttribute("value") ?? "",
                }))]))];

    public void Dispose() => _http.Dispose();
}
