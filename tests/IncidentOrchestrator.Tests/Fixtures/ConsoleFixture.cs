using Microsoft.Playwright;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// The real service in its own process, listening on a real port, on real PostgreSQL (with the scenario's warehouse and
/// programme), and one headless Chromium (Debian's, no download) for the collection. Screenshots go to
/// <see cref="Screenshots"/> for a person to look at.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private ServiceProcess? _service;
    private IPlaywright? _playwright;

    public string Url { get; private set; } = "";
    public Warehouse Warehouse { get; private set; } = null!;

    /// <summary>GitHub's stand-in, configured as the tracker <c>github</c>.</summary>
    public TrackerStandIns Trackers { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string PipelineRole { get; } = $"console_pipeline_{Guid.NewGuid():N}"[..30];
    public static string Screenshots { get; } = Path.Combine(Repository.Root, "tests", "IncidentOrchestrator.Tests", "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"No Chromium at {Chromium}: the browser tests need Debian's chromium package (apt-get install chromium; ops/test installs it).");
        Directory.CreateDirectory(Screenshots);
        var database = await TestDatabase.CreateDatabaseAsync("console");
        Warehouse = await Warehouse.CreateAsync();
        Trackers = await TrackerStandIns.StartAsync();
        await Warehouse.ExecuteAsync($"create role {PipelineRole} login password 'pipeline-secret'; grant select on hr.employee_activity to {PipelineRole}");
        await Warehouse.ExecuteAsync("create schema audit; create table audit.access_log (object_name text, role_name text, read_at timestamptz, rows_read int); " +
            "insert into audit.access_log select 'hr.employee_activity', 'engineer_' || g, now() - (g || ' hours')::interval, g * 10 from generate_series(1, 12) g");

        // The service as this test build has it (the same build the in-process tests use, with its pre-generated code).
        _service = ServiceProcess.Start("console", AppContext.BaseDirectory, LocalPostgresCluster.FreePort(), new Dictionary<string, string>
        {
            ["ConnectionStrings__Incidents"] = database, ["Auth__SigningKey"] = Tokens.SigningKey,
            ["Playbooks__Path"] = AppFixture.RepositoryPlaybooks, ["Connections__warehouse"] = Warehouse.ConnectionString,
            ["Trackers__github__Kind"] = "github", ["Trackers__github__Url"] = $"{Trackers.Url}/github", ["Trackers__github__Repository"] = TrackerStandIns.Repository,
            ["Trackers__github__Token"] = TrackerStandIns.GitHubToken,
            ["Programmes__activity-insights__Owner"] = "people-analytics", ["Programmes__activity-insights__Connection"] = "warehouse",
            ["Programmes__activity-insights__Description"] = "Trains internal assistants on employee activity data",
            ["Programmes__activity-insights__ServiceAccountRole"] = PipelineRole, ["Programmes__activity-insights__Datasets__0"] = "hr.employee_activity",
            ["OnCall__security__Members__0"] = "rui.responder", ["OnCall__security__Start"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
            ["Incidents__CommanderRotation"] = "commanders", ["OnCall__commanders__Members__0"] = "cora.commander",
            ["RateLimits__Api__PermitLimit"] = "100000", ["Logging__LogLevel__Default"] = "Warning", ["ASPNETCORE_ENVIRONMENT"] = "Production",
        });
        Url = _service.Url;
        await _service.WaitReadyAsync(TimeSpan.FromSeconds(60));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public string Log => _service?.Log ?? "";

    /// <summary>A fresh browser context (its own cookies) for one person, signed in with their token through the sign-in page.</summary>
    public async Task<IPage> SignedInAsync(string token)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Url, ViewportSize = new ViewportSize { Width = 1360, Height = 900 } });
        lock (_open) _open.Add(context);
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/incidents");
        await ScreenshotAsync(page, "sign-in");
        await page.GetByLabel("Token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // The page keeps live connections open; what matters is that it arrived, not that the network went quiet.
        try
        {
            // Polls the address rather than waiting for a navigation event, which a fast redirect can already have fired.
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/incidents$"),
                new PageAssertionsToHaveURLOptions { Timeout = 30_000 });
            await page.Locator("main h1").WaitForAsync();
        }
        catch (TimeoutException e)
        {
            await ScreenshotAsync(page, "sign-in-failed");
            var service = Log.Split('\n');
            throw new TimeoutException($"Signing in did not arrive at /incidents: the page is {page.Url}, saying:\n" +
                $"{await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 })}\nThe service's last lines:\n{string.Join('\n', service.TakeLast(40))}", e);
        }
        return page;
    }

    private readonly List<IBrowserContext> _open = [];

    /// <summary>Closes the people's browsers of the scenario that ended (their pages hold live connections to the service).</summary>
    public async Task CloseContextsAsync()
    {
        List<IBrowserContext> open;
        lock (_open)
        {
            open = [.. _open];
            _open.Clear();
        }
        foreach (var context in open) await context.CloseAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        IReadOnlyList<string> differences = _service is { HasExited: false } ? await RecordedRunsReplay.OrWhyNotAsync(() => RecordedRunsReplay.DifferencesAsync(Url))
            : _service is null ? [] : ["the service had exited before its runs could be replayed"];
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_service is not null) await _service.DisposeAsync();
        if (Trackers is not null) await Trackers.DisposeAsync();
        RecordedRunsReplay.ThrowIfAny(differences);
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "web console";
}

/// <summary>Where the repository and this build are.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "IncidentOrchestrator.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository was not found above " + AppContext.BaseDirectory);
    }
}
